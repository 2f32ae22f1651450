"""The city's weekly PDF report (Monday to Sunday): headline figures, the units below the city, the one-stop table,
lists, charts.

Before the reform of 1/7/2025 the units below the city are its districts (their communes listed by district in an
appendix); since then, its communes (126 in Hanoi), ranked in a compact table. A week across the reform is reported
on today's communes over the whole week, each with the history of the old communes it holds, and says so.

One module per concern: `figures` reads what the report shows (every number from `selectors.unit_figures`, like
the dashboards and `report_rates`, so the paper and the screen cannot disagree); `document` lays it out as a PDF
with the `tables` and `charts`, in the `styles`; `delivery` stores the PDF (one row per week, replaced on
regeneration) and e-mails it after commit to the city staff.
"""
