"""The `grammar-fst` command line: the parser and commands (`main`) and the generated
reference pages (`reference`). Library errors come here and become messages and exit
statuses; nothing else in the package imports it."""
