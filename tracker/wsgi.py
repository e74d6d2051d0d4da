"""The WSGI entry point for a production server: `gunicorn 'tracker.wsgi:app'`.

Each worker process builds the app from the environment (TRACKER_*). With
TRACKER_SCHEDULER_ENABLED (the default) one worker of the instance also runs the scheduler; in a
production deployment set it to false and run `tracker scheduler run` as its own process.
"""

from __future__ import annotations

import logging

from tracker import create_app
from tracker.jobs import start_background_scheduler

# The tracker's own records (sweeps, the scheduler, failed e-mails) go to the server's error log
# beside gunicorn's, unless the deployment configured logging itself.
if not logging.getLogger().handlers:
    logging.basicConfig(
        level=logging.INFO,
        format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
    )

app = create_app()
if app.extensions["tracker_settings"].scheduler_enabled:
    start_background_scheduler(app)
application = app
