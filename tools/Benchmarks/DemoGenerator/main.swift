// Placeholder: replaced by the generator benchmark.
print("DemoGenerator")
