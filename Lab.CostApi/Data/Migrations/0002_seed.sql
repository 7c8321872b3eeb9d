-- Seed prices (configuration with a source and a date; edit through PUT /api/prices/{gpu}) and the cost
-- experiment's decision record from the seed card.
INSERT INTO gpu_prices (gpu, usd_per_gpu_hour, source, as_of) VALUES
    ('H100-SXM-80GB', 2.99, 'Lambda on-demand list price (DESIGN.md price note)', DATE '2026-05-01'),
    ('H100-PCIe-80GB', 2.49, 'Lambda on-demand list price for H100 PCIe', DATE '2026-05-01'),
    ('A100-80GB', 2.10, 'Low end of the DESIGN.md on-demand range $2.10-2.45/h', DATE '2026-05-01'),
    ('L4', 0.70, 'Low end of the DESIGN.md on-demand range $0.70-0.80/h', DATE '2026-05-01')
ON CONFLICT (gpu) DO NOTHING;

INSERT INTO decision_records (id, experiment, title, statement) VALUES
    ('6d1c3c1e-7a51-4c1b-9d1e-c057c0570001', 'cost', 'Useful-work cost',
     'Use batching for small-request economics, but gate burst SLO claims.')
ON CONFLICT (id) DO NOTHING;

INSERT INTO claims (decision_id, ordinal, metric, case_id, profile_id, comparator, other_case, other_profile, value, text) VALUES
    ('6d1c3c1e-7a51-4c1b-9d1e-c057c0570001', 0, 'cost_per_1k_successful', 'steady-cost-efficiency', 'optimized-batched', 'lt',
     'steady-cost-efficiency', 'naive-single', NULL, 'Steady: optimized batching costs less per 1K successful requests than naive single.'),
    ('6d1c3c1e-7a51-4c1b-9d1e-c057c0570001', 1, 'cost_per_1k_successful', 'burst-cost-efficiency', 'optimized-batched', 'lt',
     'burst-cost-efficiency', 'naive-single', NULL, 'Burst: optimized batching costs less per 1K successful requests than naive single.'),
    ('6d1c3c1e-7a51-4c1b-9d1e-c057c0570001', 2, 'slo', 'steady-cost-efficiency', 'optimized-batched', 'eq',
     NULL, NULL, 'pass', 'Steady optimized passes the SLO.'),
    ('6d1c3c1e-7a51-4c1b-9d1e-c057c0570001', 3, 'slo', 'burst-cost-efficiency', 'optimized-batched', 'eq',
     NULL, NULL, 'miss', 'Burst optimized still misses the SLO, so burst SLO claims stay gated.')
ON CONFLICT (decision_id, ordinal) DO NOTHING;
