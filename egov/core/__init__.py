"""Helpers every app may use: PDF building blocks, parsing of typed dates and names, log filters and the template
tags of the shared page layout. Nothing here knows the apps above `egov` (the pages are in `portal`)."""
