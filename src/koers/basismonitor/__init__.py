"""The Basismonitor: school and work/income careers from a pseudonymised person-year panel.

- :mod:`~koers.basismonitor.schema` — the panel (Parquet, partitioned by year);
- :mod:`~koers.basismonitor.synth` — a seeded synthetic panel calibrated to Tabel 1;
- :mod:`~koers.basismonitor.kernels` — career indicators written once (Narwhals' lazy API)
  and run on DuckDB (default) or Spark;
- :mod:`~koers.basismonitor.disclosure` — the output-checking gate every published aggregate
  passes.
"""
