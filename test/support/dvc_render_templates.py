"""Prints the built-in plot templates of the pinned dvc-render as JSON: {name: content with its
<DVC_METRIC_*> anchors}. test/contract/dvcPlots.test.ts matches the spec `dvc plots diff --json
--split` renders against the template we chose for the plot."""
import json

from dvc_render.vega_templates import TEMPLATES

print(json.dumps({cls.DEFAULT_NAME: cls.DEFAULT_CONTENT for cls in TEMPLATES}))
