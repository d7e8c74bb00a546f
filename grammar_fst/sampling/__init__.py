"""Random and exhaustive paths through a compiled network: the weighted walker (`walker`),
blocks of seeded draws and their scheduling (`plan`, on a Dask cluster with `cluster`),
covering every branch first (`cover`) and the grammar's semantic patterns (`patterns`)."""
