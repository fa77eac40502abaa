// Parsing of Hugging Face config.json files. Defaults are those of the transformers reference
// configuration class of each model_type (LlamaConfig, MistralConfig, Qwen2Config, Qwen3Config,
// Phi3Config, Gemma2Config, MixtralConfig, Qwen2MoeConfig, Qwen3MoeConfig, Idefics3Config /
// Idefics3VisionConfig), so a sparse config costs what the reference implementation would build.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/input_error.h"
#include "workload/hf_config.h"

namespace meshforge::workload {
namespace {

using nlohmann::json;

// Reads typed fields from one JSON object, naming the full field path in every error.
class FieldReader {
 public:
  FieldReader(const json& object, std::string file, std::string prefix)
      : object_(object), file_(std::move(file)), prefix_(std::move(prefix)) {}

  bool has(const char* key) const { return object_.contains(key) && !object_.at(key).is_null(); }
  // An explicit null differs from absence: Mistral's "sliding_window": null means full attention.
  bool is_null(const char* key) const { return object_.contains(key) && object_.at(key).is_null(); }

  std::int64_t required_int(const char* key) const {
    if (!has(key)) throw error(key, "required field is missing (expected a positive integer)");
    return positive_int(key);
  }

  std::int64_t int_or(const char* key, std::int64_t fallback) const {
    return has(key) ? positive_int(key) : fallback;
  }

  bool bool_or(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = object_.at(key);
    if (!v.is_boolean()) throw error(key, fmt::format("expected true or false, got {}", v.dump()));
    return v.get<bool>();
  }

  // A list of layer indices (mlp_only_layers): each an integer in [0, limit).
  std::vector<std::int64_t> index_list_or_empty(const char* key, std::int64_t limit) const {
    std::vector<std::int64_t> out;
    if (!has(key)) return out;
    const json& v = object_.at(key);
    if (!v.is_array()) throw error(key, fmt::format("expected a list of layer indices, got {}", v.dump()));
    for (const json& item : v) {
      if (!item.is_number_integer() || item.get<std::int64_t>() < 0 || item.get<std::int64_t>() >= limit)
        throw error(key, fmt::format("{} is not a layer index (0 to {})", item.dump(), limit - 1));
      out.push_back(item.get<std::int64_t>());
    }
    return out;
  }

  std::string string_or(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    const json& v = object_.at(key);
    if (!v.is_string()) throw error(key, fmt::format("expected a string, got {}", v.dump()));
    return v.get<std::string>();
  }

  FieldReader child(const char* key) const {
    if (!has(key)) throw error(key, "required object is missing");
    const json& v = object_.at(key);
    if (!v.is_object()) throw error(key, fmt::format("expected an object, got {}", v.dump()));
    return FieldReader(v, file_, path(key) + ".");
  }

  InputError error(const char* key, const std::string& reason) const {
    return InputError(file_, path(key), reason);
  }

 private:
  std::string path(const char* key) const { return prefix_ + key; }

  // Every integer of a config is a count or a size: positive and at most kMaxConfigInteger, which
  // is far beyond any real model (vocabularies ~256 k, hidden sizes ~16 k, contexts ~10 M) and
  // keeps products such as hidden x hidden x layers x tokens inside 64 bits downstream.
  static constexpr std::int64_t kMaxConfigInteger = std::int64_t{1} << 27;  // 134,217,728
  std::int64_t positive_int(const char* key) const {
    const json& v = object_.at(key);
    double d = 0;
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() ? v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxConfigInteger)
                                 : v.get<std::int64_t>() > kMaxConfigInteger)
        throw error(key, fmt::format("{} is beyond any real model (at most {})", v.dump(), kMaxConfigInteger));
      if (v.get<std::int64_t>() > 0) return v.get<std::int64_t>();
    } else if (v.is_number_float() && (d = v.get<double>()) > 0 && std::floor(d) == d) {
      // Compared as a double before any cast: 1e30 would not fit an int64 (undefined behaviour).
      if (d > static_cast<double>(kMaxConfigInteger))
        throw error(key, fmt::format("{} is beyond any real model (at most {})", v.dump(), kMaxConfigInteger));
      return static_cast<std::int64_t>(d);
    }
    throw error(key, fmt::format("expected a positive integer, got {}", v.dump()));
  }

  const json& object_;
  std::string file_;
  std::string prefix_;
};

// The graph holds ~20 operators per layer, so layers get a bound of their own, still far beyond
// any real model (the deepest shipped decoders have ~130 layers).
constexpr std::int64_t kMaxLayers = 4096;
std::int64_t check_layers(const FieldReader& r, std::int64_t layers) {
  if (layers > kMaxLayers)
    throw r.error("num_hidden_layers", fmt::format("{} layers is beyond any real model (at most {})", layers, kMaxLayers));
  return layers;
}

// Reference defaults per model_type (transformers configuration classes).
struct DecoderDefaults {
  std::int64_t intermediate, vocab, kv_heads_or_zero, head_dim_or_zero, sliding_window;
  bool tie, qkv_bias, sliding_even_only, softcap;
  int norms;
  MlpActivation activation;
};

DecoderDefaults defaults_for(const std::string& model_type) {
  if (model_type == "llama") return {11008, 32000, 0, 0, 0, false, false, false, false, 2, MlpActivation::silu};
  if (model_type == "mistral") return {14336, 32000, 8, 0, 4096, false, false, false, false, 2, MlpActivation::silu};
  if (model_type == "qwen2") return {22016, 151936, 32, 0, 0, false, true, false, false, 2, MlpActivation::silu};
  if (model_type == "qwen3") return {22016, 151936, 32, 128, 0, false, false, false, false, 2, MlpActivation::silu};
  if (model_type == "phi3") return {8192, 32064, 0, 0, 0, false, false, false, false, 2, MlpActivation::silu};
  // MixtralConfig's sliding_window defaults to None (full attention), unlike MistralConfig's.
  if (model_type == "mixtral") return {14336, 32000, 8, 0, 0, false, false, false, false, 2, MlpActivation::silu};
  if (model_type == "qwen2_moe") return {5632, 151936, 16, 0, 0, false, true, false, false, 2, MlpActivation::silu};
  if (model_type == "qwen3_moe") return {6144, 151936, 4, 0, 0, false, false, false, false, 2, MlpActivation::silu};
  // gemma2
  return {9216, 256000, 4, 256, 4096, true, false, true, true, 4, MlpActivation::gelu_tanh};
}

const std::vector<std::string>& decoder_types() {
  static const std::vector<std::string> types{"llama", "mistral", "qwen2", "qwen3", "phi3", "gemma2",
                                              "mixtral", "qwen2_moe", "qwen3_moe"};
  return types;
}

// Mixture-of-experts model types of transformers that meshforge does not build: named in their
// own refusal, so the user learns that MoE is supported and which variants are.
bool is_unsupported_moe_type(const std::string& t) {
  static const std::vector<std::string> types{
      "dbrx", "deepseek_v2", "deepseek_v3", "ernie4_5_moe", "glm4_moe", "gpt_oss", "granitemoe",
      "granitemoeshared", "hunyuan_v1_moe", "jamba", "jetmoe", "llama4", "minimax", "nllb_moe",
      "olmoe", "phimoe", "qwen3_next", "switch_transformers"};
  return std::find(types.begin(), types.end(), t) != types.end();
}

constexpr const char* kSupportedMoeTypes = "mixtral, qwen2_moe, qwen3_moe";

// The count fields transformers' MoE configs use for their experts.
constexpr const char* kExpertCountFields[] = {"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts"};

// A dense model_type whose config declares experts is a MoE variant meshforge does not know: it
// would otherwise be costed as a dense model, silently wrong.
void refuse_experts_in_dense_type(const FieldReader& r, const json& object, const std::string& model_type) {
  for (const char* key : kExpertCountFields) {
    if (!object.contains(key)) continue;
    const json& v = object.at(key);
    if (v.is_number() && v.get<double>() > 1)
      throw r.error(key, fmt::format("a {} config with {} experts is a mixture-of-experts variant meshforge does "
                                     "not support (supported MoE types: {})", model_type, v.dump(), kSupportedMoeTypes));
  }
}

void parse_experts(const FieldReader& r, const std::string& model_type, DecoderSpec& s) {
  const bool mixtral = model_type == "mixtral";
  const bool qwen2 = model_type == "qwen2_moe";
  s.experts = r.int_or(mixtral ? "num_local_experts" : "num_experts", mixtral ? 8 : qwen2 ? 60 : 128);
  s.experts_per_token = r.int_or("num_experts_per_tok", mixtral ? 2 : qwen2 ? 4 : 8);
  if (s.experts_per_token > s.experts)
    throw r.error("num_experts_per_tok", fmt::format("{} experts per token of only {} experts", s.experts_per_token,
                                                     s.experts));
  // Mixtral's experts are intermediate_size wide; the Qwen MoE models give the experts their own width
  // and keep intermediate_size for the dense layers.
  s.expert_intermediate = mixtral ? s.intermediate : r.int_or("moe_intermediate_size", qwen2 ? 1408 : 768);
  if (qwen2) {
    s.shared_expert_intermediate = r.int_or("shared_expert_intermediate_size", 5632);
    s.shared_expert_gate = true;
  }
  if (!mixtral) {
    s.sparse_step = r.int_or("decoder_sparse_step", 1);
    s.dense_layers = r.index_list_or_empty("mlp_only_layers", s.layers);
  }
}

// Parameters of one layer in floating point, before any 64-bit count: every field is bounded, but a
// product of several bounded fields need not be.
constexpr double kMaxParameters = 1e15;  // ~500x the largest published models
void check_parameter_bound(const FieldReader& r, const DecoderSpec& s) {
  const double h = static_cast<double>(s.hidden);
  const double attn = h * static_cast<double>(s.head_dim) * static_cast<double>(2 * s.heads + 2 * s.kv_heads);
  const double dense = 3.0 * h * static_cast<double>(s.intermediate);
  const double moe = static_cast<double>(s.experts) * 3.0 * h * static_cast<double>(s.expert_intermediate) +
                     3.0 * h * static_cast<double>(s.shared_expert_intermediate);
  const double total = static_cast<double>(s.layers) * (attn + std::max(dense, moe)) +
                       2.0 * static_cast<double>(s.vocab) * h;
  if (total > kMaxParameters)
    throw r.error("num_hidden_layers", fmt::format("these shapes give {:.3g} parameters, beyond any real model (at most "
                                                   "{:.0e})", total, kMaxParameters));
}

bool is_decoder_type(const std::string& t) {
  for (const auto& known : decoder_types())
    if (known == t) return true;
  return false;
}

std::string joined_supported() {
  std::string out;
  for (const auto& t : supported_hf_model_types()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

MlpActivation parse_activation(const FieldReader& r, const char* key, MlpActivation fallback) {
  if (!r.has(key)) return fallback;
  const std::string act = r.string_or(key, "");
  if (act == "silu" || act == "swish") return MlpActivation::silu;
  if (act.rfind("gelu", 0) == 0) return MlpActivation::gelu_tanh;
  throw r.error(key, fmt::format("unsupported activation '{}' (expected silu or gelu*)", act));
}

DecoderSpec parse_decoder(const FieldReader& r, const std::string& model_type,
                          std::int64_t outer_vocab, bool outer_tie) {
  const DecoderDefaults d = defaults_for(model_type);
  DecoderSpec s;
  s.model_type = model_type;
  s.hidden = r.required_int("hidden_size");
  s.layers = check_layers(r, r.required_int("num_hidden_layers"));
  s.heads = r.required_int("num_attention_heads");
  s.intermediate = r.int_or("intermediate_size", d.intermediate);
  s.vocab = r.int_or("vocab_size", outer_vocab > 0 ? outer_vocab : d.vocab);
  s.kv_heads = r.int_or("num_key_value_heads", d.kv_heads_or_zero > 0 ? d.kv_heads_or_zero : s.heads);
  if (d.head_dim_or_zero > 0) {
    s.head_dim = r.int_or("head_dim", d.head_dim_or_zero);
  } else if (r.has("head_dim")) {
    s.head_dim = r.int_or("head_dim", 0);
  } else {
    if (s.hidden % s.heads != 0)
      throw r.error("num_attention_heads",
                    fmt::format("hidden_size {} is not divisible by {} heads and head_dim is not given",
                                s.hidden, s.heads));
    s.head_dim = s.hidden / s.heads;
  }
  if (s.heads % s.kv_heads != 0)
    throw r.error("num_key_value_heads",
                  fmt::format("{} attention heads are not a multiple of {} key/value heads", s.heads,
                              s.kv_heads));
  s.tie_embeddings = r.bool_or("tie_word_embeddings", outer_tie ? true : d.tie);
  // Qwen2 and Qwen2-MoE always have q/k/v biases and no o_proj bias (no config field); others
  // follow attention_bias.
  s.qkv_bias = d.qkv_bias || r.bool_or("attention_bias", false);
  s.o_bias = model_type != "qwen2" && model_type != "qwen2_moe" && r.bool_or("attention_bias", false);
  s.qk_norm = model_type == "qwen3" || model_type == "qwen3_moe";
  s.mlp_bias = r.bool_or("mlp_bias", false);
  s.norms_per_layer = d.norms;
  s.activation = parse_activation(r, model_type == "gemma2" ? "hidden_activation" : "hidden_act",
                                  d.activation);
  s.sliding_on_even_layers_only = d.sliding_even_only;
  s.final_logit_softcap = d.softcap && !r.is_null("final_logit_softcapping");
  // No reference default: a config without the field states no limit (nothing to warn about).
  s.max_positions = r.int_or("max_position_embeddings", 0);
  if (model_type.rfind("qwen", 0) == 0) {
    s.sliding_window = r.bool_or("use_sliding_window", false) ? r.int_or("sliding_window", 4096) : 0;
  } else if (model_type == "mistral" || model_type == "mixtral" || model_type == "gemma2") {
    s.sliding_window = r.is_null("sliding_window") ? 0 : r.int_or("sliding_window", d.sliding_window);
  }
  if (is_mixture_of_experts_type(model_type)) parse_experts(r, model_type, s);
  check_parameter_bound(r, s);
  return s;
}

VisionSpec parse_vision(const FieldReader& r) {
  // Idefics3VisionConfig defaults; SmolVLM configs omit layers / intermediate (12 / 3072).
  VisionSpec v;
  v.hidden = r.required_int("hidden_size");
  v.patch_size = r.required_int("patch_size");
  v.image_size = r.required_int("image_size");
  v.layers = check_layers(r, r.int_or("num_hidden_layers", 12));
  v.intermediate = r.int_or("intermediate_size", 3072);
  v.heads = r.int_or("num_attention_heads", 16);
  v.channels = r.int_or("num_channels", 3);
  if (v.image_size < v.patch_size)
    throw r.error("patch_size", fmt::format("patch size {} exceeds image size {}", v.patch_size,
                                            v.image_size));
  // Each head takes hidden / heads channels: heads must divide the hidden size (7 heads of 768
  // truncated head_dim to 109; 4,096 heads to 0).
  if (v.hidden % v.heads != 0)
    throw r.error("num_attention_heads", fmt::format("{} heads do not divide hidden_size {}", v.heads, v.hidden));
  return v;
}

json read_json(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann's message carries "line L, column C"; keep the part after the tag.
    std::string what = e.what();
    const auto pos = what.find("parse error");
    throw InputError(source, "", "malformed JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  } catch (const json::out_of_range& e) {
    // A number beyond a double (1e999): nlohmann reports it as out_of_range, not as a parse error.
    std::string what = e.what();
    const auto pos = what.find("number overflow");
    throw InputError(source, "", "malformed JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  }
}

}  // namespace

bool is_mixture_of_experts_type(const std::string& t) { return t == "mixtral" || t == "qwen2_moe" || t == "qwen3_moe"; }

const std::vector<std::string>& supported_hf_model_types() {
  static const std::vector<std::string> types{"llama",   "mistral",   "qwen2",     "qwen3",    "phi3",
                                              "gemma2",  "mixtral",   "qwen2_moe", "qwen3_moe", "idefics3"};
  return types;
}

bool DecoderSpec::is_moe_layer(std::int64_t layer) const {
  if (experts == 0 || (layer + 1) % sparse_step != 0) return false;
  return std::find(dense_layers.begin(), dense_layers.end(), layer) == dense_layers.end();
}

double expected_distinct_experts(std::int64_t experts, std::int64_t experts_per_token, std::int64_t tokens) {
  if (experts <= 0 || tokens <= 0) return 0.0;
  const double miss = 1.0 - static_cast<double>(experts_per_token) / static_cast<double>(experts);
  return static_cast<double>(experts) * (1.0 - std::pow(miss, static_cast<double>(tokens)));
}

std::int64_t HfModelSpec::patches_per_tile() const {
  if (!vision) return 0;
  const std::int64_t side = vision->image_size / vision->patch_size;
  return side * side;
}

std::int64_t HfModelSpec::tokens_per_tile() const {
  return patches_per_tile() / (scale_factor * scale_factor);
}

std::int64_t HfModelSpec::image_tokens_per_image(std::int64_t tiles_per_side) const {
  if (!vision) return 0;
  const std::int64_t tiles = tiles_per_side * tiles_per_side + (tiles_per_side > 1 ? 1 : 0);
  return tiles * tokens_per_tile();
}

HfModelSpec parse_hf_config_text(const std::string& json_text, const std::string& source_name) {
  const json root = read_json(json_text, source_name);
  if (!root.is_object()) throw InputError(source_name, "", "expected a JSON object at the top level");
  const FieldReader top(root, source_name, "");

  HfModelSpec spec;
  spec.path = source_name;
  spec.name = std::filesystem::path(source_name).stem().string();
  if (!top.has("model_type"))
    throw top.error("model_type", "required field is missing (supported: " + joined_supported() + ")");
  spec.model_type = top.string_or("model_type", "");

  if (is_decoder_type(spec.model_type)) {
    if (!is_mixture_of_experts_type(spec.model_type)) refuse_experts_in_dense_type(top, root, spec.model_type);
    spec.text = parse_decoder(top, spec.model_type, 0, false);
    return spec;
  }
  if (is_unsupported_moe_type(spec.model_type))
    throw top.error("model_type", fmt::format("mixture-of-experts type '{}' is not supported (supported MoE types: {}; "
                                              "all supported: {})", spec.model_type, kSupportedMoeTypes, joined_supported()));
  if (spec.model_type != "idefics3")
    throw top.error("model_type", fmt::format("unknown model_type '{}' (supported: {})",
                                              spec.model_type, joined_supported()));

  const FieldReader text = top.child("text_config");
  const std::string text_type = text.string_or("model_type", "llama");
  if (!is_decoder_type(text_type) || is_mixture_of_experts_type(text_type))
    throw text.error("model_type", fmt::format("unknown text model_type '{}' (supported: llama, "
                                               "mistral, qwen2, qwen3, phi3, gemma2)", text_type));
  spec.text = parse_decoder(text, text_type, top.int_or("vocab_size", 0),
                            top.bool_or("tie_word_embeddings", false));
  const FieldReader vision = top.child("vision_config");
  spec.vision = parse_vision(vision);
  spec.scale_factor = top.int_or("scale_factor", 2);
  const std::int64_t patches_side = spec.vision->image_size / spec.vision->patch_size;
  constexpr std::int64_t kMaxPatchesPerSide = 4096;  // real vision towers: 16-73
  if (patches_side > kMaxPatchesPerSide)
    throw vision.error("image_size", fmt::format("{} / patch_size {} = {} patches per side, more than {} (beyond any "
                                                 "vision tower)", spec.vision->image_size, spec.vision->patch_size,
                                                 patches_side, kMaxPatchesPerSide));
  if (patches_side % spec.scale_factor != 0)
    throw top.error("scale_factor", fmt::format("{} patches per side are not divisible by the "
                                                "scale factor {}", patches_side, spec.scale_factor));
  // Image splitting: the processor resizes the longest edge to size.longest_edge and cuts tiles
  // of image_size. Without a size field, SmolVLM processors use 4 x image_size (assumption,
  // matching the published 256M/500M/2.2B processor configs).
  std::int64_t longest_edge = 4 * spec.vision->image_size;
  std::optional<FieldReader> size;
  if (vision.has("size")) {
    size.emplace(vision.child("size"));
    longest_edge = size->int_or("longest_edge", longest_edge);
  }
  spec.image_tiles_per_side = (longest_edge + spec.vision->image_size - 1) / spec.vision->image_size;
  if (size && spec.image_tiles_per_side > kMaxImageTilesPerSide)  // the default split is 4
    throw size->error("longest_edge", fmt::format("{} cuts each image into {} x {} tiles of {} pixels, more than "
                                                  "{} per side", longest_edge, spec.image_tiles_per_side,
                                                  spec.image_tiles_per_side, spec.vision->image_size,
                                                  kMaxImageTilesPerSide));
  return spec;
}

HfModelSpec parse_hf_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path.string(), "", "cannot open model file (no such file or not readable)");
  std::ostringstream text;
  text << in.rdbuf();
  HfModelSpec spec = parse_hf_config_text(text.str(), path.string());
  // A Hugging Face directory's config.json is named after its directory (the model's name).
  spec.name = path.filename() == "config.json" && path.has_parent_path() && !path.parent_path().filename().empty()
                  ? path.parent_path().filename().string()
                  : path.stem().string();
  return spec;
}

namespace {

// Parameters of the decoder, with `routed` of each MoE layer's routed experts.
std::int64_t decoder_parameters(const DecoderSpec& t, bool active_only) {
  const std::int64_t q = t.heads * t.head_dim, kv = t.kv_heads * t.head_dim;
  std::int64_t attn = t.hidden * q + 2 * t.hidden * kv + q * t.hidden;
  if (t.qkv_bias) attn += q + 2 * kv;
  if (t.o_bias) attn += t.hidden;
  if (t.qk_norm) attn += 2 * t.head_dim;
  std::int64_t dense = 3 * t.hidden * t.intermediate;
  if (t.mlp_bias) dense += 2 * t.intermediate + t.hidden;
  const std::int64_t routed = active_only ? t.experts_per_token : t.experts;
  const std::int64_t moe = routed * 3 * t.hidden * t.expert_intermediate + t.hidden * t.experts /* router */ +
                           3 * t.hidden * t.shared_expert_intermediate + (t.shared_expert_gate ? t.hidden : 0);
  const std::int64_t norms = t.norms_per_layer * t.hidden;
  std::int64_t layers = 0;
  for (std::int64_t l = 0; l < t.layers; ++l) layers += attn + norms + (t.is_moe_layer(l) ? moe : dense);
  const std::int64_t embed = t.vocab * t.hidden;
  return layers + t.hidden /* final norm */ + embed + (t.tie_embeddings ? 0 : embed);
}

}  // namespace

std::int64_t count_decoder_parameters(const DecoderSpec& t) { return decoder_parameters(t, false); }
std::int64_t count_active_decoder_parameters(const DecoderSpec& t) { return decoder_parameters(t, true); }

std::int64_t count_vision_parameters(const VisionSpec& v) {
  const std::int64_t side = v.image_size / v.patch_size;
  const std::int64_t patch = v.channels * v.patch_size * v.patch_size * v.hidden + v.hidden;
  const std::int64_t positions = side * side * v.hidden;
  const std::int64_t attn = 4 * (v.hidden * v.hidden + v.hidden);
  const std::int64_t mlp = 2 * v.hidden * v.intermediate + v.intermediate + v.hidden;
  const std::int64_t norms = 2 * 2 * v.hidden;
  return patch + positions + v.layers * (attn + mlp + norms) + 2 * v.hidden /* post norm */;
}

std::int64_t count_parameters(const HfModelSpec& spec) {
  std::int64_t total = count_decoder_parameters(spec.text);
  if (spec.vision) {
    total += count_vision_parameters(*spec.vision);
    total += spec.vision->hidden * spec.scale_factor * spec.scale_factor * spec.text.hidden;
  }
  return total;
}

}  // namespace meshforge::workload
