"""Annotation providers: gnomAD, ClinVar, GTEx, HPO phenotypes, STRING."""
