"""Drawing: overlay elements, the annotator and the stick figure; they draw what they are given."""
