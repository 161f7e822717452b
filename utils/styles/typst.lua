-- Pandoc filter for primer.pdf: image paths are made root-relative, because the
-- Typst file is written under build/ and compiled with the repository as root.
function Image(img)
  if not img.src:match("^/") and not img.src:match("^%a+:") then
    img.src = "/" .. img.src
  end
  return img
end
