"""The rep report: build it from an AnalysisResult, render HTML/JSON/CSV, plots, and write it atomically."""
