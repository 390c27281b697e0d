"""letters' HTTP API and the public verification page (⚑ GET /letters/verify/<code>)."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Forbidden, Invalid, NotFound, found
from shared.legacy import current_uow
from shared.uploads import read_upload
from shared.web import current_runtime

from . import handlers, seals
from .adapters.db import Document, DocumentFile, IssueFailure, db
from .handlers import sort_set

api = Blueprint("letters", __name__, url_prefix="/letters/api/v1", description="联合检查文书")
public = Blueprint("letters_public", __name__, url_prefix="/letters", description="文书核验")
STAFF = ("clerk", "approver", "admin")


def _check_access(document: Document) -> None:
    """Before the visit only the assigned inspectors, clerks and approvers see a letter (N4)."""
    principal = current_principal()
    if principal.role in STAFF:
        return
    if principal.role == "inspector" and principal.subject in document.inspector_ids:
        return
    raise Forbidden("只有被抽中的检查人员、综合科和审批人可以查看该文书")


@api.get("/documents")
@require("clerk", "approver", "admin", "inspector")
def list_documents():
    inspection_id = request.args.get("inspection")
    if not inspection_id:
        raise Invalid("缺少查询参数", fields={"inspection": ["必填：检查（inspection）编号"]})
    rows = sort_set(db.session.execute(select(Document).where(Document.inspection_id == inspection_id)
                                       .order_by(Document.created_at)).scalars().all())
    for document in rows:
        _check_access(document)
    return {"items": [{"id": d.id, "kind": d.kind, "number": d.number, "version": d.version, "status": d.status,
                       "verification_code": d.verification_code, "created_at": iso(d.created_at),
                       "pdf_url": f"/letters/api/v1/documents/{d.id}/pdf"} for d in rows]}


@api.get("/documents/<document_id>/pdf")
@require("clerk", "approver", "admin", "inspector")
def document_pdf(document_id):
    document = found(db.session.get(Document, document_id), "文书不存在")
    _check_access(document)
    pdf = db.session.get(DocumentFile, document_id).pdf
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=\"{document.id}.pdf\""})


@public.get("/verify/<code>")
def verify(code):
    """Public: anyone (the company at its door) checks a letter by its code; JSON or a Chinese page."""
    document = db.session.execute(select(Document).where(Document.verification_code == code.upper())).scalar()
    wants_json = request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json"
    if document is None:
        if wants_json:
            raise NotFound("未找到该核验码对应的文书，请警惕伪造文书", code="not_genuine")
        return render_template("letters/verify.html", view=None, code=code), 404
    view = handlers.verification_view(document)
    return view if wants_json else render_template("letters/verify.html", view=view, code=code)


@api.get("/failures")
@require("clerk", "admin")
def list_failures():
    """Visits whose documents could not be typeset, with the reason (e.g. 字库中没有以下字符…)."""
    rows = db.session.execute(select(IssueFailure).order_by(IssueFailure.created_at)).scalars()
    return {"items": [{"inspection_id": f.inspection_id, "reason": f.reason, "since": iso(f.created_at)}
                      for f in rows]}


@api.post("/failures/<inspection_id>/retry")
@require("clerk", "admin")
def retry_failure(inspection_id):
    """After the font or the registered name is corrected, issue the set again."""
    failure = found(db.session.get(IssueFailure, inspection_id), "该检查没有出具失败的记录")
    payload = dict(failure.payload)
    uow = current_uow()
    issued = handlers.issue_or_record(uow, payload, payload.pop("version", 1))
    uow.commit()
    return {"inspection_id": inspection_id, "issued": issued}


def _seal_view(seal) -> dict:
    return {"sha256": seal.sha256, "issuer_code": seal.issuer_code, "width": seal.width, "height": seal.height,
            "uploaded_by": seal.uploaded_by, "uploaded_at": iso(seal.uploaded_at),
            "image_url": "/letters/api/v1/seal.png"}


@api.put("/seal")
@require("admin")
def put_seal():
    """The bureau uploads its seal image (transparent PNG, multipart field `image`); documents issued from then
    on carry it over the issuer line. Audited; earlier documents keep the seal they were issued with."""
    upload = read_upload(request.files.get("image"), "image", ("image/png",), seals.MAX_SEAL_BYTES)
    uow = current_uow()
    seal = seals.upload_seal(uow, current_runtime().deps["issuer"].code, upload, current_principal().actor)
    uow.commit()
    return _seal_view(seal)


@api.get("/seal")
@require("clerk", "approver", "admin")
def get_seal():
    seal = found(seals.current_seal(db.session, current_runtime().deps["issuer"].code), "尚未上传印章图片")
    return _seal_view(seal)


@api.get("/seal.png")
@require("clerk", "approver", "admin")
def get_seal_image():
    seal = found(seals.current_seal(db.session, current_runtime().deps["issuer"].code), "尚未上传印章图片")
    return Response(seal.image, mimetype="image/png")
