-- Pandoc filter for both exports: a figure's `#+attr_html: :alt …` text becomes the
-- alt text of its image (pandoc would otherwise leave it on the figure element).
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
