-- Pandoc filter for primer.pdf: image paths are made root-relative, because the
-- Typst file is written under build/ and compiled with the repository as root;
-- a figure's #+attr_html :alt text is kept as the image's alt text.
function Image(img)
  if not img.src:match("^/") and not img.src:match("^%a+:") then
    img.src = "/" .. img.src
  end
  return img
end

function Figure(fig)
  local alt = fig.attributes["alt"]
  if alt then
    fig.attributes["alt"] = nil
    fig.content = fig.content:walk {
      Image = function(img)
        img.caption = pandoc.Inlines(alt)
        return img
      end
    }
  end
  return fig
end
