"""The URL map and middleware of the review app (kept apart to avoid an import cycle)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dlp.config import Settings
from dlp.quarantine.accounts import Accounts
from dlp.quarantine.actions import Actions
from dlp.quarantine.store import SqlStore
from dlp.review.web import admin, auth, message, pages, record
from dlp.review.web.app import HERE, Review, healthz, server_error
from dlp.review.web.security import SecurityHeaders


def build_app(settings: Settings, store: SqlStore, actions: Actions | None = None) -> Starlette:
    """The review app over `store`; `actions` may share the relay's next-hop client."""
    accounts = Accounts(store.db)
    review = Review(settings, store, actions or Actions(settings, store), accounts)
    routes = [
        Route("/login", auth.login, methods=["GET", "POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Route("/", pages.queue),
        Route("/bulk", pages.bulk, methods=["POST"]),
        Route("/m/{qid}", message.message),
        Route("/m/{qid}/reveal", message.reveal, methods=["POST"]),
        Route("/m/{qid}/release", message.release, methods=["POST"]),
        Route("/m/{qid}/false-positive", message.false_positive, methods=["POST"]),
        Route("/m/{qid}/reject", message.reject, methods=["POST"]),
        Route("/m/{qid}/delete", message.delete, methods=["POST"]),
        Route("/m/{qid}/claim", message.claim, methods=["POST"]),
        Route("/m/{qid}/note", message.note, methods=["POST"]),
        Route("/m/{qid}/download", message.download),
        Route("/m/{qid}/part/{n}", message.download_part),
        Route("/disclosures", record.page),
        Route("/disclosures.csv", record.csv_export),
        Route("/audit", admin.audit),
        Route("/audit.csv", admin.audit_csv),
        Route("/audit.jsonl", admin.audit_jsonl),
        Route("/admin", admin.accounts_page),
        Route("/admin/users", admin.add_user, methods=["POST"]),
        Route("/admin/users/remove", admin.remove_user, methods=["POST"]),
        Route("/admin/users/logout", admin.end_sessions, methods=["POST"]),
        Route("/admin/purge", admin.purge, methods=["POST"]),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware, secret_key=accounts.secret(), session_cookie="dlp_review",
            max_age=settings.review.session_minutes * 60, same_site="strict",
            https_only=settings.review.secure_cookies,
        ),
    ]  # fmt: skip
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={Exception: server_error})  # fmt: skip
    app.state.review = review
    return app
