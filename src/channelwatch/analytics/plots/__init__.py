"""Briefing plots (matplotlib, Agg backend): crossings, deaths with a map, weather windows.

Every figure states its source at the foot. The format follows the file suffix: .png, .svg, .pdf.
"""
