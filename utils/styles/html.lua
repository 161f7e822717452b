-- Pandoc filter for the HTML exports (the site, -t chunkedhtml, and primer.html).
--  * footnotes become margin notes, tapped open on narrow screens;
--  * org links to a heading, [[*Heading][text]], become links to that heading
--    (pandoc's org reader leaves them as plain "spurious-link" text); the chunked
--    writer then points them at the right page;
--  * figures are numbered ("Figure 12."), get an id (fig-IMAGE-NAME) and, on the
--    site, open the full-size image when tapped;
--  * display math and tables sit in boxes that scroll sideways on their own and
--    can be focused from the keyboard;
--  * a script's =src/...= path links to the script on the site; the single file
--    keeps the path as text (a relative link would break once the file is shared).
local site = FORMAT == "chunkedhtml"
local heading_ids = {}
local notes, figures = 0, 0

-- A heading's text as a link names it: markup dropped, white space squeezed.
local function key(s)
  return (pandoc.utils.stringify(s):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function collect_headings(doc)
  doc:walk {
    Header = function(h)
      local title = key(h.content)
      if heading_ids[title] == nil then heading_ids[title] = h.identifier end
    end
  }
end

local function scroll_box(content, label, block)
  local attr = {class = "scroll-box", tabindex = "0", role = "group", ["aria-label"] = label}
  if block then return pandoc.Div(content, attr) end
  return pandoc.Span(content, attr)
end

local function Span(span)
  if not span.classes:includes("spurious-link") then return nil end
  local target = span.attributes["target"] or ""
  if not target:match("^%*.") then return nil end
  local title = key(pandoc.read(target:sub(2), "org").blocks)
  local id = heading_ids[title]
  if not id then
    io.stderr:write("[WARNING] link to a heading that does not exist: [[*" .. title .. "]]\n")
    return nil
  end
  local content = span.content
  if #content == 1 and content[1].t == "Emph" then content = content[1].content end
  if pandoc.utils.stringify(content) == target then      -- [[*Heading]]: the heading's text
    content = pandoc.read(target:sub(2), "org").blocks[1].content
  end
  return pandoc.Link(content, "#" .. id, "", {class = "xref"})
end

local function Link(link)
  if link.target:match("^src/.+%.py$") and not site then
    return link.content
  end
  return nil
end

local function Note(note)
  notes = notes + 1
  local id = "sn-" .. notes
  local inlines = pandoc.utils.blocks_to_inlines(note.content, {pandoc.Space()})
  return pandoc.Inlines {
    pandoc.RawInline("html", '<label for="' .. id .. '" class="margin-toggle sidenote-number">'
      .. '<span class="visually-hidden">Note </span>' .. notes .. '</label>'
      .. '<input type="checkbox" id="' .. id .. '" class="margin-toggle"/>'),
    pandoc.Span({pandoc.Span(pandoc.Str(tostring(notes)), {class = "sidenote-mark"}),
                 pandoc.Space()} .. inlines, {class = "sidenote", role = "note"}),
  }
end

local function Figure(fig)
  figures = figures + 1
  local src
  fig.content:walk { Image = function(img) src = src or img.src end }
  if fig.identifier == "" and src then
    fig.identifier = "fig-" .. src:gsub("^.*/", ""):gsub("%.%w+$", "")
  end
  -- the number links to the figure itself: a reader can copy a link to it
  local label = pandoc.Link(pandoc.Str("Figure " .. figures .. "."), "#" .. fig.identifier, "",
                            {class = "figure-number"})
  if #fig.caption.long > 0 and fig.caption.long[1].content then
    local first = fig.caption.long[1]
    first.content = pandoc.Inlines {label, pandoc.Space()} .. first.content
  else
    fig.caption.long = {pandoc.Plain {label}}
  end
  if site then
    fig.content = fig.content:walk {
      Image = function(img)
        return pandoc.Link(img, img.src, "", {class = "figure-open", title = "Open the full-size image"})
      end
    }
  end
  return fig
end

-- Display math, and inline math long enough to outgrow a phone's width.
local function Math(m)
  if m.mathtype == "DisplayMath" then
    return scroll_box({m}, "Equation", false)
  elseif #m.text > 30 then
    local box = scroll_box({m}, "Formula", false)
    box.classes:insert("math-inline")
    return box
  end
  return nil
end

local function Table(t)
  local label = pandoc.utils.stringify(t.caption.long)
  return scroll_box({t}, label ~= "" and label or "Table", true)
end

-- #+cite_export, #+PROPERTY and the like: nothing to show, and before the first
-- heading they would make the site an empty first page.
local function RawBlock(raw)
  if raw.format == "org" then return {} end
end

return {
  {Pandoc = function(doc) collect_headings(doc) end},
  {RawBlock = RawBlock, Span = Span, Link = Link, Note = Note, Figure = Figure, Math = Math, Table = Table},
}
