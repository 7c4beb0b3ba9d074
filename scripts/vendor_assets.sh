#!/usr/bin/env bash
# Copy the built front-end files the pages use from node_modules into a static directory ($1).
set -euo pipefail
dest=${1:?destination}
rm -rf "$dest" && mkdir -p "$dest"
copy() { mkdir -p "$dest/$(dirname "$2")"; cp -R "node_modules/$1" "$dest/$2"; }
copy htmx.org/dist/htmx.min.js htmx/htmx.min.js
copy echarts/dist/echarts.min.js echarts/echarts.min.js
copy bpmn-js/dist/bpmn-navigated-viewer.production.min.js bpmn-js/bpmn-navigated-viewer.min.js
copy bpmn-js/dist/assets bpmn-js/assets
copy axe-core/axe.min.js axe-core/axe.min.js
