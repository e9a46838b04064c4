"""Sign in and out, forgotten and changed passwords, API tokens, choose the interface language."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from ..forms import confirmation_page, confirmed
from ..i18n import site_languages
from ..models import User
from ..settings import settings
from .access import public, signed_in
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm, NewTokenForm
from .reset import ResetProblem, check_reset_token, request_password_reset
from .services import (
    AccountError,
    authenticate,
    change_own_password,
    end_all_sessions,
    is_safe_next,
    set_user_password,
)
from .sessions import end_session, renew_session, start_session
from .throttle import (
    limit_failed_password_checks,
    limit_failed_sign_ins,
    limit_reset_requests,
    note_failed_sign_in,
    retry_after_seconds,
)
from .tokens import create_token, revoke_token, token_of, tokens_of

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@limit_failed_sign_ins
def login() -> str | Response | tuple[str, int]:
    """Show the sign-in form; on success go to ``next`` when it is a path on this site."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            note_failed_sign_in()
            form.password.errors.append(_("Wrong email or password, or the account is disabled."))
        else:
            start_session(user, remember=bool(form.remember.data))
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("home.index"))
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    """Sign out here and everywhere else: every session and remember cookie of the account ends."""
    end_all_sessions(current_user._get_current_object())  # committed with the redirect below
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limit_reset_requests
def forgot_password() -> str | Response | tuple[str, int]:
    """Ask for a reset link; the answer is the same whether or not an account has the email."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data or "")
        flash(_("If an active account has this email, a link to set a new password is on its way to it."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Response | tuple[str, int]:
    """Set a new password from an emailed link; every other session of the account ends."""
    user, problem = check_reset_token(token)
    if user is None:
        status = 404 if problem == ResetProblem.INVALID else 410
        return _private(render_template("auth/reset_invalid.html", problem=problem), status)
    form = NewPasswordForm()
    if form.apply(lambda: set_user_password(user, form.password.data or "")) is not None:
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return _private(render_template("auth/reset.html", form=form), 422 if form.errors else 200)


def _private(body: str, status: int) -> Response:
    """The reset page holds a secret in its address: never cache it.

    The site-wide ``Referrer-Policy: same-origin`` (tracker.security) already keeps the address from other
    sites; ``no-referrer`` here would make Flask-WTF refuse the form over HTTPS, which needs a same-origin Referer.
    """
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
@limit_failed_password_checks
def change_password() -> str | Response | tuple[str, int]:
    """The signed-in person changes their own password; their other sessions end, this one goes on."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()

    def change() -> User:
        try:
            return change_own_password(user, form.current_password.data or "", form.password.data or "")
        except AccountError as error:
            if error.field == "current_password":
                # A wrong guess counts against the limit (kept by the limiter, not in the rolled-back database).
                note_failed_sign_in()
            raise

    if form.apply(change) is not None:
        # The new session version is committed with the redirect; this browser carries it from now on.
        renew_session(user, remember=settings().remember_cookie_name in request.cookies)
        flash(_("Your password is changed. Every other session of your account has ended."), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


@bp.route("/account/tokens", methods=["GET", "POST"])
@signed_in
def api_tokens() -> Response:
    """The signed-in person's API tokens; a new one is shown once, on the answer to the post that made it."""
    form = NewTokenForm()
    user = current_user._get_current_object()
    made = form.apply(lambda: create_token(user, form.name.data or ""))
    if made is not None:
        form = NewTokenForm(formdata=None)  # an empty form for the next one
    page = render_template("auth/tokens.html", form=form, tokens=tokens_of(user),
                           new_token=made[0] if made else None, raw_token=made[1] if made else None,
                           zone=ZoneInfo(settings().timezone))
    # The raw token is on the page: no cache may keep it.
    return _private(page, 422 if form.errors else 200)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke_api_token(token_id: int) -> Response | tuple[str, int]:
    """Revoke one of the signed-in person's tokens, once confirmed; another person's token is not found."""
    token = token_of(current_user._get_current_object(), token_id)
    if token is None:
        abort(404)
    if not confirmed():
        return confirmation_page(
            title=_("Revoke the token “%(name)s”?", name=token.name),
            consequence=_("Programs using it can no longer reach the site; this cannot be undone."),
            yes=_("Yes, revoke"), back=url_for("auth.api_tokens"))
    revoke_token(token)
    flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(url_for("auth.api_tokens"))


@bp.errorhandler(TooManyRequests)
def too_many_attempts(_error: TooManyRequests) -> Response:
    """The throttled page again, saying how long to wait, with ``Retry-After``."""
    seconds = retry_after_seconds()
    message = _("Too many attempts. Please wait %(wait)s and try again.",
                wait=format_timedelta(timedelta(seconds=seconds), threshold=1))
    if request.endpoint == "auth.forgot_password":
        page = render_template("auth/forgot.html", form=ForgotPasswordForm(), throttled=message)
    elif request.endpoint == "auth.change_password":
        page = render_template("auth/password.html", form=ChangePasswordForm(), throttled=message)
    else:
        page = render_template("auth/login.html", form=LoginForm(), throttled=message)
    response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Response:
    """Switch the interface language; remembered on the account when signed in."""
    language = request.form.get("language", "")
    if language in site_languages():
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
    target = request.form.get("next")
    return redirect(target if target and is_safe_next(target) else url_for("home.index"))
