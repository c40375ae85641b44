"""Links to the records behind an evidence row, so an assistant can cite them.

The gene page renders the same `details` JSON as HTML (genes/views/evidence.py); an assistant
needs the plain URLs instead: PubMed for PMIDs, the PanelApp panel page, the ClinGen report, the
GenCC submission, the HPO term. Keys that a source does not write are simply absent.
"""

from __future__ import annotations

from typing import Any

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
HPO_URL = "https://hpo.jax.org/browse/term/{}"
PANELAPP_PANEL_URLS = {
    "UK": "https://panelapp.genomicsengland.co.uk/panels/{}/",
    "AU": "https://panelapp-aus.org/panels/{}/",
}
MAX_LINKS = 200


def _pmids(details: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("pmids", "publications"):
        for item in details.get(key) or []:
            pmid = item.get("pmid") if isinstance(item, dict) else item
            if pmid and str(pmid).isdigit():
                found.append(str(pmid))
    for panel in details.get("panels") or []:
        found.extend(str(p) for p in panel.get("publications") or [] if str(p).isdigit())
    for submission in details.get("submissions") or []:
        found.extend(str(p) for p in submission.get("pmids") or [] if str(p).isdigit())
    return list(dict.fromkeys(found))


def _records(source: str, details: dict[str, Any]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for panel in details.get("panels") or []:
        site = PANELAPP_PANEL_URLS.get(str(panel.get("region", "")))
        if site and panel.get("panel_id") is not None:
            records.append(
                {
                    "kind": "panelapp_panel",
                    "label": f"{panel.get('panel_name')} v{panel.get('panel_version')}"
                    f" ({panel.get('region')}, {panel.get('rating')})",
                    "url": site.format(panel["panel_id"]),
                }
            )
        elif source == "diagnostic-panels":
            records.append(
                {
                    "kind": "diagnostic_panel",
                    "label": f"{panel.get('provider')}: {panel.get('panel')}",
                }
            )
    for curation in details.get("curations") or []:
        records.append(
            {
                "kind": "clingen_curation",
                "label": f"{curation.get('disease')}: {curation.get('classification')}",
                "url": curation.get("report_url") or None,
            }
        )
    for submission in details.get("submissions") or []:
        records.append(
            {
                "kind": "gencc_submission",
                "label": f"{submission.get('submitter')}: {submission.get('disease_title')}, "
                f"{submission.get('classification')}",
                "id": submission.get("submission_id"),
                "url": submission.get("report_url") or None,
            }
        )
    for term in details.get("terms") or []:
        if isinstance(term, dict) and term.get("id"):
            records.append(
                {"kind": "hpo_term", "label": term.get("name"), "url": HPO_URL.format(term["id"])}
            )
    return records[:MAX_LINKS]


def evidence_links(source: str, details: dict[str, Any] | None) -> dict[str, Any]:
    """`{"pubmed": [...], "records": [...]}` for one evidence row's details."""
    details = details or {}
    pmids = _pmids(details)
    return {
        "pubmed": [{"pmid": pmid, "url": PUBMED_URL.format(pmid)} for pmid in pmids[:MAX_LINKS]],
        "pubmed_total": len(pmids),
        "records": _records(source, details),
    }
