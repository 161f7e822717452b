-- Pandoc filter for primer.pdf (utils/pdf.py).
-- * Image paths are made root-relative: the Typst file is written under build/ and
--   compiled with the repository as root.
-- * A script's output (`#+begin_scriptoutput`) becomes `#output-box(...)[…]`
--   (utils/styles/header.typ) and its text a raw block of language `output`, so it
--   is drawn unlike code; a short one is kept on one page.
-- * A script's name above its first block (`#+begin_scriptname`) becomes
--   `#script-name[…]`: a small label kept on the page of the code it names.
-- * A top-level heading with no subheadings (the preface, the references) and a
--   heading marked `unnumbered` get no number.
local SHORT = 25

function Image(img)
  if not img.src:match("^/") and not img.src:match("^%a+:") then
    img.src = "/" .. img.src
  end
  return img
end

local function raw(text)
  return pandoc.RawBlock("typst", text)
end

function Div(div)
  if div.classes:includes("scriptname") then
    local out = pandoc.Blocks { raw("#script-name[") }
    out:extend(div.content)
    out:insert(raw("]"))
    return out
  end
  if not div.classes:includes("scriptoutput") then
    return nil
  end
  local lines = 0
  local content = div.content:walk {
    CodeBlock = function(cb)
      local _, n = cb.text:gsub("\n", "")
      lines = lines + n + 1
      cb.classes = {"output"}
      return cb
    end
  }
  local out = pandoc.Blocks { raw("#output-box(short: " .. tostring(lines <= SHORT) .. ")[") }
  out:extend(content)
  out:insert(raw("]"))
  return out
end

function Pandoc(doc)
  local blocks = doc.blocks
  for i, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      local nxt = nil
      for j = i + 1, #blocks do
        if blocks[j].t == "Header" then nxt = blocks[j]; break end
      end
      if not (nxt and nxt.level > 1) then
        b.classes:insert("unnumbered")
      end
    end
  end
  return doc
end
