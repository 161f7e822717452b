-- Pandoc filter: org's internal links to a heading, [[*Heading][text]] and
-- [[*Heading]], become links to that heading.  Pandoc's org reader leaves them as
-- a `spurious-link` span (emphasised text that goes nowhere).  The export checks
-- beforehand that every such target names exactly one heading (utils/export.py).
local function key(s)
  return pandoc.utils.stringify(s):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
end

function Pandoc(doc)
  local ids = {}
  doc:walk {
    Header = function(h)
      local k = key(h.content)
      if ids[k] == nil then ids[k] = h.identifier end
    end
  }
  return doc:walk {
    Span = function(span)
      local target = span.attributes["target"]
      if not (span.classes:includes("spurious-link") and target and target:match("^%*")) then
        return nil
      end
      local title = key(pandoc.read(target:sub(2), "org").blocks)
      local id = ids[title]
      if not id then
        error("links.lua: no heading '" .. title .. "' for the link [[" .. target .. "]]")
      end
      local text = span.content
      if #text == 1 and text[1].t == "Emph" then text = text[1].content end
      if pandoc.utils.stringify(text) == target then
        text = pandoc.read(target:sub(2), "org").blocks[1].content
      end
      return pandoc.Link(text, "#" .. id)
    end
  }
end
