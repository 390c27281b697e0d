"""draw's pages for the two phases of every draw (issue 13): the public list of seed commitments (published before
any randomness could draw them) and of the public randomness entered, and the clerk's form to enter a lottery's
winning numbers — one entry draws every commitment made before the lottery's draw time."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from shared.auth import current_principal
from shared.errors import DomainError
from shared.pages import require_page
from shared.web import handle

from . import views
from .commands import EnterRandomness
from .queries import ListRandomness, ListSeedCommitments

pages = Blueprint("draw_randomness_pages", __name__, url_prefix="/draw")
ENTERING = ("clerk", "admin", "detachment")


@pages.get("/public/commitments")
def public_commitments():
    """Public: each commitment (seed hash, frozen pool's size and hash, waiting or drawn) and each randomness
    entry with its source, issue and draw time — what anyone needs to check that nobody could steer a draw."""
    commitments = handle(ListSeedCommitments(viewer=current_principal()))
    entries = [views.randomness_entry_view(e, n) for e, n in handle(ListRandomness())]
    return render_template("draw/commitments.html", commitments=commitments, entries=entries)


@pages.route("/clerk/randomness", methods=["GET", "POST"])
@require_page(*ENTERING)
def enter_randomness():
    """The clerk enters the evening's lottery numbers; every draw committed before the draw time is made now."""
    error = message = None
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        numbers = [n for n in form.get("numbers", "").replace("，", " ").replace(",", " ").split() if n]
        try:
            if not all(n.isdigit() for n in numbers):
                raise DomainError("开奖号码应为以空格或逗号分隔的整数")
            entered = handle(EnterRandomness(tuple(int(n) for n in numbers), form.get("source", ""),
                                             form.get("issue", ""), form.get("drawn_at", ""),
                                             current_principal().actor))
            message = f"已录入，完成抽取 {len(entered.draws)} 项"
        except DomainError as failure:
            details = "；".join(m for messages in failure.fields.values() for m in messages)
            error = failure.message + (f"：{details}" if details else "")
    waiting = [c for c in handle(ListSeedCommitments(viewer=current_principal()))
               if c.get("status") == "waiting_for_randomness"]
    entries = [views.randomness_entry_view(e, n) for e, n in handle(ListRandomness())]
    return render_template("draw/randomness.html", waiting=waiting, entries=entries, error=error, message=message,
                           form=form), 422 if error else 200
