-- Pandoc filter for primer.html: footnotes become Tufte-style margin notes,
-- and a figure's #+attr_html :alt text lands on its <img>.
local count = 0

function Note(note)
  count = count + 1
  local id = "sn-" .. count
  local inlines = pandoc.utils.blocks_to_inlines(note.content, {pandoc.Space()})
  local out = pandoc.Inlines {
    pandoc.RawInline("html", '<label for="' .. id .. '" class="margin-toggle sidenote-number"></label>'
      .. '<input type="checkbox" id="' .. id .. '" class="margin-toggle"/>'),
    pandoc.Span(inlines, {class = "sidenote"}),
  }
  return out
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
