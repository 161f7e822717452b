-- Pandoc filter for primer.html: footnotes become Tufte-style margin notes.
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
