"""Claims from README prose and tables: a markdown parser, ONE table of claim rules, variants, and the claims a
review checks for one audited file. See docs/claims.md."""
from engine.claims.extract import Claim, Extraction, extract_claims

__all__ = ["Claim", "Extraction", "extract_claims"]
