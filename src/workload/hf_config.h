// Hugging Face config.json -> a validated model description (no ops yet).
// Supported model_type: llama, mistral, qwen2, qwen3, phi3, gemma2 (dense decoders), mixtral,
// qwen2_moe, qwen3_moe (mixture-of-experts decoders) and idefics3 (SmolVLM).
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
  bool qk_norm = false;               // qwen3, qwen3_moe: RMSNorm over each head's q and k

  // Mixture of experts (mixtral, qwen2_moe, qwen3_moe). experts == 0: every layer is dense.
  std::int64_t experts = 0;                     // routed experts per MoE layer
  std::int64_t experts_per_token = 0;           // top-k
  std::int64_t expert_intermediate = 0;         // each routed expert's gated-MLP width
  std::int64_t shared_expert_intermediate = 0;  // qwen2_moe: one always-on expert (0 = none)
  bool shared_expert_gate = false;              // qwen2_moe: sigmoid gate (hidden -> 1) on the shared expert
  std::int64_t sparse_step = 1;                 // layer l is MoE when (l + 1) % sparse_step == 0 ...
  std::vector<std::int64_t> dense_layers;       // ... and l is not listed here (mlp_only_layers)

  bool is_moe_layer(std::int64_t layer) const;
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
// Whether a model_type is one of the supported mixture-of-experts types (mixtral, qwen2_moe, qwen3_moe).
bool is_mixture_of_experts_type(const std::string& model_type);

// Parses and validates a config.json. Throws InputError(file, field, reason): missing file,
// malformed JSON, unknown model_type (listing the supported ones), a missing required field,
// a field of the wrong type or an impossible value (heads not dividing hidden, ...).
HfModelSpec parse_hf_config(const std::filesystem::path& path);
HfModelSpec parse_hf_config_text(const std::string& json_text, const std::string& source_name);

// Parameter counts straight from the spec (the graph builder must agree with these).
std::int64_t count_parameters(const HfModelSpec& spec);
std::int64_t count_decoder_parameters(const DecoderSpec& text);
// What the decoder uses for one token: a MoE layer counts its router, its shared expert and
// experts_per_token of its routed experts; a dense decoder is count_decoder_parameters.
std::int64_t count_active_decoder_parameters(const DecoderSpec& text);

// Routed experts a step of `tokens` tokens reads in one MoE layer: with each token choosing
// experts_per_token of `experts` uniformly and independently, an expert is missed by all of them
// with probability (1 - k/E)^tokens, so E (1 - (1 - k/E)^tokens) are read on average (k at one
// token, all E for a long prefill). Uniform routing is an assumption: the models are trained with
// a load-balancing loss that pushes towards it (docs/models.md).
double expected_distinct_experts(std::int64_t experts, std::int64_t experts_per_token, std::int64_t tokens);
std::int64_t count_vision_parameters(const VisionSpec& vision);

// The operator graph of one step of the scenario.
Graph build_hf_graph(const HfModelSpec& spec, const Scenario& scenario);

}  // namespace meshforge::workload
