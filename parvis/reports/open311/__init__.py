"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the reports app.

Plain Django views: the format comes from the resource suffix (``.json`` or ``.xml``), errors
are the specification's arrays of ``{code, description}``. See docs/open311.md for the
policies the specification leaves open (page size, date window, idempotency).
"""
