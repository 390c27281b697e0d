"""letters' HTTP API and the public verification page (⚑ GET /letters/verify/<code>)."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Invalid, NotFound, found
from shared.uploads import read_upload
from shared.web import handle

from . import views
from .commands import RetryFailedIssue, UploadSeal
from .domain.seal import MAX_SEAL_BYTES
from .queries import CurrentSeal, DocumentPdf, DocumentsOfInspection, IssueFailures, VerifyDocument, VisitTime

api = Blueprint("letters", __name__, url_prefix="/letters/api/v1", description="联合检查文书")
public = Blueprint("letters_public", __name__, url_prefix="/letters", description="文书核验")


@api.get("/documents")
@require("clerk", "approver", "admin", "inspector", "department")
def list_documents():
    inspection_id = request.args.get("inspection")
    if not inspection_id:
        raise Invalid("缺少查询参数", fields={"inspection": ["必填：检查（inspection）编号"]})
    rows = handle(DocumentsOfInspection(inspection_id, current_principal()))
    visit = handle(VisitTime(inspection_id, current_principal()))
    return {"items": [views.document_item(d) for d in rows], "visit": views.visit_view(visit)}


@api.get("/documents/<document_id>/pdf")
@require("clerk", "approver", "admin", "inspector", "department")
def document_pdf(document_id):
    document, pdf = handle(DocumentPdf(document_id, current_principal()))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=\"{document.id}.pdf\""})


@public.get("/verify/<code>")
def verify(code):
    """Public: anyone (the company at its door) checks a letter by its code; JSON or a Chinese page."""
    document = handle(VerifyDocument(code))
    wants_json = request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json"
    if document is None:
        if wants_json:
            raise NotFound("未找到该核验码对应的文书，请警惕伪造文书", code="not_genuine")
        return render_template("letters/verify.html", view=None, code=code), 404
    view = views.verification_view(document)
    return view if wants_json else render_template("letters/verify.html", view=view, code=code)


@api.get("/failures")
@require("clerk", "admin")
def list_failures():
    """Visits whose documents could not be typeset, with the reason (e.g. 字库中没有以下字符…)."""
    return {"items": [views.failure_item(f) for f in handle(IssueFailures())]}


@api.post("/failures/<inspection_id>/retry")
@require("clerk", "admin")
def retry_failure(inspection_id):
    """After the font or the registered name is corrected, issue the set again."""
    return {"inspection_id": inspection_id, "issued": handle(RetryFailedIssue(inspection_id))}


@api.put("/seal")
@require("admin")
def put_seal():
    """The bureau uploads its seal image (transparent PNG, multipart field `image`); documents issued from then
    on carry it over the issuer line. Audited; earlier documents keep the seal they were issued with."""
    upload = read_upload(request.files.get("image"), "image", ("image/png",), MAX_SEAL_BYTES)
    return views.seal_view(handle(UploadSeal(upload, current_principal().actor)))


@api.get("/seal")
@require("clerk", "approver", "admin")
def get_seal():
    return views.seal_view(found(handle(CurrentSeal()), "尚未上传印章图片"))


@api.get("/seal.png")
@require("clerk", "approver", "admin")
def get_seal_image():
    return Response(found(handle(CurrentSeal()), "尚未上传印章图片").image, mimetype="image/png")
