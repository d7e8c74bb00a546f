"""Random and exhaustive paths through a compiled network: the weighted walker (`walker`)
and its network unfolded (`unfolded`), blocks of seeded draws and their scheduling on
processes or a Dask cluster (`plan`), covering every branch first (`cover`) and the
grammar's semantic patterns (`patterns`)."""
