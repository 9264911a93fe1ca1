#!/usr/bin/env bash
# Draws the application icon once with ImageMagick 6 (`convert`); the results are committed, so the build needs no
# ImageMagick. Rerun after changing the drawing: ./make-icons.sh (from this folder).
# The mark: a rounded indigo square (a gradient), a white "G", and three rising bars (a reward curve going up) in amber.
# macOS wants an .icns, which ImageMagick 6 cannot write: see installer/README.md (iconutil on a Mac).
set -euo pipefail
cd "$(dirname "$0")"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
# the square: a top-to-bottom gradient cut to a rounded rectangle
convert -size 240x240 gradient:'#5157c0-#2f3277' \
  \( -size 240x240 xc:none -fill white -draw 'roundrectangle 0,0 239,239 44,44' \) \
  -compose DstIn -composite -compose over \
  -background none -gravity center -extent 256x256 \
  -font "$font" -pointsize 170 -fill white -gravity northwest -annotate +30+12 'G' \
  -fill '#ffb020' -draw 'roundrectangle 150,196 170,232 4,4' \
  -draw 'roundrectangle 178,172 198,232 4,4' \
  -draw 'roundrectangle 206,140 226,232 4,4' \
  linux/grpowb.png
convert linux/grpowb.png -define icon:auto-resize=256,128,64,48,32,16 windows/grpowb.ico
