"""What the stream and the host's OBS show of the show: the overlay page server and the OBS
control. Both are ``OnAirSubscriber``s: they receive ``domain.on_air.OnAirState`` snapshots
and never reach into the window or the services.

Layer: imports the domain, the server stack (starlette, uvicorn), ``simpleobsws`` and
``websockets``; never ui, storage, platform, services or the sandbox.
"""
