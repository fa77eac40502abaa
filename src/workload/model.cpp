#include "workload/model.h"

#include <algorithm>

#include "common/input_error.h"
#include "workload/hf_config.h"

namespace meshforge::workload {

std::vector<std::string> shipped_model_names(const std::filesystem::path& data_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "models", ec))
    if (entry.path().extension() == ".json" || entry.path().extension() == ".onnx")
      names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::filesystem::path resolve_model(const std::string& name_or_path,
                                    const std::filesystem::path& data_dir) {
  const std::filesystem::path as_given(name_or_path);
  if (std::filesystem::is_directory(as_given)) {
    // A Hugging Face model directory: its config.json.
    if (std::filesystem::exists(as_given / "config.json")) return as_given / "config.json";
    throw InputError(name_or_path, "", "is a directory without a config.json: give a config.json or an .onnx file");
  }
  if (std::filesystem::exists(as_given)) return as_given;
  for (const char* ext : {".json", ".onnx"}) {
    const auto shipped = data_dir / "models" / (name_or_path + ext);
    if (std::filesystem::exists(shipped)) return shipped;
  }
  std::string known;
  for (const auto& n : shipped_model_names(data_dir)) known += (known.empty() ? "" : ", ") + n;
  throw InputError(name_or_path, "",
                   "no such model file, and not a shipped model name (shipped: " + known + ")");
}

Graph build_graph(const std::filesystem::path& model_file, const Scenario& scenario,
                  const SymbolicDims& symbolic_dims, const std::string& token_dim) {
  if (model_file.extension() == ".onnx")
    return import_onnx(model_file, scenario, symbolic_dims, token_dim);
  if (!token_dim.empty())
    throw InputError(model_file.string(), "--token-dim",
                     "only for ONNX models: a Hugging Face model counts tokens already");
  return build_hf_graph(parse_hf_config(model_file), scenario);
}

}  // namespace meshforge::workload
