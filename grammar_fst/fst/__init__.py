"""Everything that uses pynini/OpenFst: labels and symbols (`labels`), the compiled network
of rule, intent and slot FSTs (`compiler`), its `.far` archive (`far`), array views of FSTs
(`openfst`), counting (`counting`), the chart parser (`parse`), and turning label paths
(`walks`) into utterances (`spelling`)."""
