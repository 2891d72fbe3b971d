"""onnxruntime on a plain ONNX graph of all-MiniLM-L6-v2, built here from model.safetensors (no torch), in
float and dynamically quantised to int8 (onnxruntime.quantization.quantize_dynamic, per-channel weights).

Usage: onnx_peer.py MODEL_DIR PASSAGES.jsonl REF.jsonl OUT_DIR
Prints one JSON line per precision: tokens/s on one thread (best of 2 passes; batches of 32 passages sorted
by length, as the numpy reference batches), and the mean and minimum cosine to the reference's vectors."""
import json, os, sys, time
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file
from tokenizers import Tokenizer


def build(model_dir, path):
    w = load_file(os.path.join(model_dir, "model.safetensors"))
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    D, H, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    dh = D // H
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op, inputs, out, **attrs):
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def linear(x, prefix, out):
        wt = const(prefix + ".weight_t", w[prefix + ".weight"].T.astype(np.float32))
        return node("Add", [node("MatMul", [x, wt], out + "_mm"), const(prefix + ".bias", w[prefix + ".bias"].astype(np.float32))], out)

    def layernorm(x, prefix, out):
        return node("LayerNormalization", [x, const(prefix + ".weight", w[prefix + ".weight"]), const(prefix + ".bias", w[prefix + ".bias"])],
                    out, axis=-1, epsilon=eps)

    # Embeddings: word + position (0..L-1) + token type 0.
    ones = node("ConstantOfShape", [node("Shape", ["input_ids"], "ids_shape")], "ones", value=numpy_helper.from_array(np.array([1], np.int64)))
    positions = node("Sub", [node("CumSum", [ones, const("axis_seq", np.array(1, np.int64))], "cumsum"), const("one_i", np.array(1, np.int64))],
                     "positions")
    x = node("Add", [node("Gather", [const("word", w["embeddings.word_embeddings.weight"]), "input_ids"], "word_e"),
                     node("Gather", [const("pos", w["embeddings.position_embeddings.weight"]), positions], "pos_e")], "wp")
    x = node("Add", [x, const("type0", w["embeddings.token_type_embeddings.weight"][0])], "emb")
    x = layernorm(x, "embeddings.LayerNorm", "emb_ln")
    # Mask: 0 where a token is real, -1e4 where padded, shaped (B, 1, 1, L).
    maskf = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    bias = node("Mul", [node("Sub", [const("one_f", np.array(1, np.float32)), maskf], "mask_inv"), const("neg", np.array(-1e4, np.float32))], "mask_neg")
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], np.int64))], "mask_bias")
    heads = const("heads_shape", np.array([0, 0, H, dh], np.int64))
    flat = const("flat_shape", np.array([0, 0, D], np.int64))
    scale = const("scale", np.array(1 / np.sqrt(dh), np.float32))
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q, k, v = (node("Reshape", [linear(x, p + f"attention.self.{n}", f"l{i}_{n}"), heads], f"l{i}_{n}_h") for n in ("query", "key", "value"))
        q = node("Transpose", [q], f"l{i}_qt", perm=[0, 2, 1, 3])
        k = node("Transpose", [k], f"l{i}_kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [v], f"l{i}_vt", perm=[0, 2, 1, 3])
        s = node("Add", [node("Mul", [node("MatMul", [q, k], f"l{i}_qk"), scale], f"l{i}_qks"), bias], f"l{i}_scores")
        ctx = node("MatMul", [node("Softmax", [s], f"l{i}_probs", axis=-1), v], f"l{i}_ctx")
        ctx = node("Reshape", [node("Transpose", [ctx], f"l{i}_ctxt", perm=[0, 2, 1, 3]), flat], f"l{i}_ctxf")
        a = linear(ctx, p + "attention.output.dense", f"l{i}_attn")
        x = layernorm(node("Add", [a, x], f"l{i}_res1"), p + "attention.output.LayerNorm", f"l{i}_ln1")
        h = linear(x, p + "intermediate.dense", f"l{i}_up")
        erf = node("Erf", [node("Mul", [h, const(f"l{i}_rsqrt2", np.array(0.7071067811865476, np.float32))], f"l{i}_hs")], f"l{i}_erf")
        h = node("Mul", [node("Mul", [h, const(f"l{i}_half", np.array(0.5, np.float32))], f"l{i}_hh"),
                         node("Add", [erf, const(f"l{i}_onef", np.array(1, np.float32))], f"l{i}_erf1")], f"l{i}_gelu")
        o = linear(h, p + "output.dense", f"l{i}_down")
        x = layernorm(node("Add", [o, x], f"l{i}_res2"), p + "output.LayerNorm", f"l{i}_ln2")
    # Mean over real tokens, then L2 normalisation.
    m = node("Unsqueeze", [maskf, const("axis2", np.array([2], np.int64))], "mask3")
    summed = node("ReduceSum", [node("Mul", [x, m], "masked"), const("axis1", np.array([1], np.int64))], "summed", keepdims=0)
    count = node("ReduceSum", [m, const("axis1b", np.array([1], np.int64))], "count", keepdims=0)
    mean = node("Div", [summed, count], "mean")
    norm = node("ReduceL2", [mean], "norm", axes=[-1], keepdims=1)  # axes an attribute until opset 18
    node("Div", [mean, norm], "embedding")
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["B", "L"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["B", "L"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["B", D])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def run(path, encodings, batch=32):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    order = np.argsort([len(e) for e in encodings], kind="stable")
    out = np.zeros((len(encodings), 384), np.float32)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            L = max(len(encodings[i]) for i in idx)
            ids = np.zeros((len(idx), L), np.int64)
            mask = np.zeros((len(idx), L), np.int64)
            for j, i in enumerate(idx):
                ids[j, :len(encodings[i])] = encodings[i]
                mask[j, :len(encodings[i])] = 1
            out[idx] = sess.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]
        best = min(best, time.perf_counter() - start)
    return out, best


def main():
    model_dir, passages, ref_path, out_dir = sys.argv[1:5]
    texts = [json.loads(l)["text"] for l in open(passages)]
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()  # tokenizer.json pads to 128; batches are padded here, with a mask
    tok.enable_truncation(256)
    encodings = [e.ids for e in tok.encode_batch(texts)]
    tokens = sum(len(e) for e in encodings)
    ref = np.array([json.loads(l)["embedding"] for l in open(ref_path)], np.float32)
    f32 = os.path.join(out_dir, "minilm-f32.onnx")
    build(model_dir, f32)
    from onnxruntime.quantization import QuantType, quantize_dynamic
    i8 = os.path.join(out_dir, "minilm-int8.onnx")
    quantize_dynamic(f32, i8, weight_type=QuantType.QInt8, per_channel=True)
    for name, path in (("onnxruntime-f32", f32), ("onnxruntime-int8", i8)):
        vectors, seconds = run(path, encodings)
        cos = (vectors * ref).sum(1)
        print(json.dumps({"embedder": name, "threads": 1, "passages": len(texts), "tokens": tokens, "seconds": seconds,
                          "tokens_per_s": tokens / seconds, "mean_cosine": float(cos.mean()), "min_cosine": float(cos.min())}), flush=True)


if __name__ == "__main__":
    main()
