// Hugging Face config.json -> a validated model description (no ops yet).
// Supported model_type: llama, mistral, qwen2, phi3, gemma2 (decoder-only) and idefics3 (SmolVLM).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "workload/graph.h"

namespace meshforge::workload {

enum class MlpActivation { silu, gelu_tanh };

// A Llama-family decoder stack: GQA attention, gated MLP, RMSNorm, RoPE.
struct DecoderSpec {
  std::string model_type;
  std::int64_t hidden = 0;
  std::int64_t intermediate = 0;
  std::int64_t layers = 0;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t vocab = 0;
  bool tie_embeddings = false;
  bool qkv_bias = false;
  bool o_bias = false;
  bool mlp_bias = false;
  int norms_per_layer = 2;            // gemma2: 4 (pre/post attention, pre/post feed-forward)
  MlpActivation activation = MlpActivation::silu;
  std::int64_t sliding_window = 0;    // 0 = full attention
  bool sliding_on_even_layers_only = false;  // gemma2 alternates local and global layers
  bool final_logit_softcap = false;   // gemma2
  std::int64_t max_positions = 0;     // max_position_embeddings; 0 = the config does not say
};

// A SigLIP vision transformer (pre-norm LayerNorm, GELU MLP, biases everywhere).
struct VisionSpec {
  std::int64_t hidden = 0;
  std::int64_t intermediate = 0;
  std::int64_t layers = 0;
  std::int64_t heads = 0;
  std::int64_t patch_size = 0;
  std::int64_t image_size = 0;
  std::int64_t channels = 3;
};

struct HfModelSpec {
  std::string name;                   // file stem
  std::filesystem::path path;
  std::string model_type;             // top-level model_type
  DecoderSpec text;
  std::optional<VisionSpec> vision;   // idefics3 only
  std::int64_t scale_factor = 1;      // pixel-shuffle factor of the connector
  std::int64_t image_tiles_per_side = 0;  // default split of a full-size image into n x n tiles

  std::int64_t patches_per_tile() const;   // (image_size / patch_size)^2
  std::int64_t tokens_per_tile() const;    // patches / scale_factor^2
  // Image tokens one image contributes: (n x n split tiles + 1 global tile) x tokens per tile.
  std::int64_t image_tokens_per_image(std::int64_t tiles_per_side) const;
};

const std::vector<std::string>& supported_hf_model_types();

// Parses and validates a config.json. Throws InputError(file, field, reason): missing file,
// malformed JSON, unknown model_type (listing the supported ones), a missing required field,
// a field of the wrong type or an impossible value (heads not dividing hidden, ...).
HfModelSpec parse_hf_config(const std::filesystem::path& path);
HfModelSpec parse_hf_config_text(const std::string& json_text, const std::string& source_name);

// Parameter counts straight from the spec (the graph builder must agree with these).
std::int64_t count_parameters(const HfModelSpec& spec);
std::int64_t count_decoder_parameters(const DecoderSpec& text);
std::int64_t count_vision_parameters(const VisionSpec& vision);

// The operator graph of one step of the scenario.
Graph build_hf_graph(const HfModelSpec& spec, const Scenario& scenario);

}  // namespace meshforge::workload
