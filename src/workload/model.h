// Front door of workload/: find a model by short name or path, and build its graph for a scenario.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "workload/graph.h"
#include "workload/onnx_import.h"

namespace meshforge::workload {

// "llama-3.1-8b" -> data_dir/models/llama-3.1-8b.json; a path that exists is taken as it is.
// Throws InputError naming the model and listing the shipped short names when neither exists.
std::filesystem::path resolve_model(const std::string& name_or_path,
                                    const std::filesystem::path& data_dir);

// Short names of the shipped models (file stems under data_dir/models).
std::vector<std::string> shipped_model_names(const std::filesystem::path& data_dir);

// Builds the graph of a model file: .onnx through the ONNX importer, anything else as a
// Hugging Face config.json. symbolic_dims and token_dim (import_onnx) only apply to ONNX; a
// token_dim for another model is an InputError naming --token-dim.
Graph build_graph(const std::filesystem::path& model_file, const Scenario& scenario,
                  const SymbolicDims& symbolic_dims = {}, const std::string& token_dim = "");

}  // namespace meshforge::workload
