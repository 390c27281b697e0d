"""letters' HTTP API and the public verification page (⚑ GET /letters/verify/<code>)."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Invalid, NotFound, found
from shared.openapi import ErrorEnvelope, answers, binary, multipart, query
from shared.uploads import read_upload
from shared.web import current_settings, handle

from . import response_schemas as rs
from . import views
from .commands import RetryFailedIssue, UploadSeal
from .domain.seal import MAX_SEAL_BYTES, SEAL_MAX_PIXELS
from .queries import CurrentSeal, DocumentPdf, DocumentsOfInspection, IssueFailures, VerifyDocument, VisitTime

api = Blueprint("letters", __name__, url_prefix="/letters/api/v1", description="联合检查文书")
public = Blueprint("letters_public", __name__, url_prefix="/letters", description="文书核验")


@api.get("/documents")
@answers(200, rs.Documents)
@query(("inspection", {"type": "string"}, "必填：检查编号"))
@require("clerk", "approver", "admin", "inspector", "department")
def list_documents():
    inspection_id = request.args.get("inspection")
    if not inspection_id:
        raise Invalid("缺少查询参数", fields={"inspection": ["必填：检查（inspection）编号"]})
    rows = handle(DocumentsOfInspection(inspection_id, current_principal()))
    visit = handle(VisitTime(inspection_id, current_principal()))
    return {"items": [views.document_item(d) for d in rows], "visit": views.visit_view(visit)}


@api.get("/documents/<document_id>/pdf")
@binary("application/pdf", description="文书 PDF")
@require("clerk", "approver", "admin", "inspector", "department")
def document_pdf(document_id):
    document, pdf = handle(DocumentPdf(document_id, current_principal()))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=\"{document.id}.pdf\""})


@public.get("/verify/<code>")
@answers(200, rs.VerificationView, description="真实文书（JSON：?format=json 或 Accept: application/json）")
@answers(200, {"type": "string"}, content_type="text/html", description="核验页面")
@public.alt_response(404, schema=ErrorEnvelope, description="未找到该核验码对应的文书（JSON 或页面）")
@public.alt_response(404, schema={"type": "string"}, content_type="text/html")
@query(("format", {"type": "string"}, "json：以 JSON 答复（否则按 Accept）"))
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
@answers(200, rs.FAILURES)
@require("clerk", "admin")
def list_failures():
    """Visits whose documents could not be typeset, with the reason (e.g. 字库中没有以下字符…)."""
    return {"items": [views.failure_item(f) for f in handle(IssueFailures())]}


@api.post("/failures/<inspection_id>/retry")
@answers(200, rs.Retried)
@require("clerk", "admin")
def retry_failure(inspection_id):
    """After the font or the registered name is corrected, issue the set again."""
    return {"inspection_id": inspection_id, "issued": handle(RetryFailedIssue(inspection_id))}


@api.put("/seal")
@answers(200, rs.SealView)
@require("admin")
@multipart(("image",), image="binary")
def put_seal():
    """The bureau uploads its seal image (transparent PNG, multipart field `image`); documents issued from then
    on carry it over the issuer line. Audited; earlier documents keep the seal they were issued with."""
    upload = read_upload(request.files.get("image"), "image", ("image/png",), MAX_SEAL_BYTES,
                         max_pixels=min(current_settings().upload_max_pixels, SEAL_MAX_PIXELS))
    return views.seal_view(handle(UploadSeal(upload, current_principal().actor)))


@api.get("/seal")
@answers(200, rs.SealView)
@require("clerk", "approver", "admin")
def get_seal():
    return views.seal_view(found(handle(CurrentSeal()), "尚未上传印章图片"))


@api.get("/seal.png")
@binary("image/png", description="当前印章图片")
@require("clerk", "approver", "admin")
def get_seal_image():
    return Response(found(handle(CurrentSeal()), "尚未上传印章图片").image, mimetype="image/png")
