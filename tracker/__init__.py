"""Nye metoder tracker: managed-entry agreements and reassessments of temporary introductions."""

from __future__ import annotations

from flask import Flask, render_template

from tracker.settings import Settings


def blueprints() -> list:  # type: ignore[type-arg]
    """Return the API blueprints of every domain."""
    from tracker.agreements.api import bp as agreements
    from tracker.audit.api import bp as audit
    from tracker.datasources.api import bp as datasources
    from tracker.deadlines.api import bp as deadlines
    from tracker.decisions.api import bp as decisions
    from tracker.feeds.api import bp as feeds
    from tracker.flags.api import bp as flags
    from tracker.individual.api import bp as individual
    from tracker.individual.committee_api import bp as committee
    from tracker.introductions.api import bp as introductions
    from tracker.meta.api import bp as meta
    from tracker.methods.api import bp as methods
    from tracker.outcomes.api import bp as outcomes
    from tracker.reassessments.api import bp as reassessments
    from tracker.settlements.api import bp as settlements
    from tracker.settlements.counts_api import bp as settlement_counts

    return [meta, methods, decisions, introductions, datasources, agreements,
            flags, reassessments, deadlines, audit, feeds, outcomes, individual, committee,
            settlements, settlement_counts]


def create_app(settings: Settings | None = None) -> Flask:
    """Create the Flask app: a list of init_app calls and blueprints."""
    from dashboards import init_app as init_dashboards
    from tracker import answers, auth, db, errors, security, web
    from tracker.audit import service as audit_service
    from tracker.public import views as public_views
    from tracker.secret_key import instance_secret_key

    settings = settings or Settings()
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        SECRET_KEY=instance_secret_key(settings),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["tracker_settings"] = settings

    errors.init_app(app)
    db.init_app(app, settings)
    auth.init_app(app)
    security.init_app(app)
    audit_service.install()
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    web.init_app(app)
    public_views.init_app(app)
    init_dashboards(app)
    answers.init_app(app)

    @app.get("/")
    def index() -> str:
        return render_template("index.html", demo=settings.env != "production")

    return app


def get_settings() -> Settings:
    """Return the settings of the current app."""
    from flask import current_app

    return current_app.extensions["tracker_settings"]  # type: ignore[no-any-return]
