"""Weather windows for crossings: thresholds with their sources, hourly classification and
windows, forecast readers (CF NetCDF, CSV) and the back-test against the Home Office series.
"""
