"""Annotation providers (gnomAD, ClinVar, GTEx, HPO phenotypes, STRING); see the annotations issue."""
