"""Governance: the whole path from a card to a decision, in one package, read top to bottom.

1. `evidence`      what the card's files, reruns and search vectors say (outside any transaction)
2. `review`        policies x {card, facts, evals, lineage} -> Findings -> one Review with its verdict
3. `submission`    one transaction: the version, then SUBMISSION_STEPS (lineage edges, stored review, index, jobs)
4. `stored`        reviewing stored versions again (after reruns, waivers), the status the verdict gives
5. `reruns`        re-running a stored version's evaluations, then reviewing it again
6. `decisions`     a human's approve / reject / request changes, with separation of duties
7. `stored_reviews` reading reviews back: one version's, the review queue
8. `admin`         waivers and policy packs, each change audited
9. `evidence_jobs` evidence gathered after a submission by `modellake worker` jobs, then step 4 again (audited)
The CI gate (`modellake audit`) runs steps 1 and 2 on files alone, with no database.
"""
