// One integer lane of the vector unit: s = acc + sum_r w[r] * x[r], two's complement, wrapping in
// ACCW bits. w, x: ROWS signed W-bit operands (row r at [r*W +: W]). The ROWS products (exact,
// 2W bits, sign-extended to ACCW) and acc are summed by a balanced binary adder tree (depth
// $clog2(ROWS+1)); wrap-around addition is associative, so any order gives the same result.
// Combinational. Verilog-2005.
module mf_vu_lane_int #(
  parameter ROWS = 1,
  parameter W = 8,
  parameter ACCW = 32
) (
  input  [ROWS*W-1:0] w,
  input  [ROWS*W-1:0] x,
  input  [ACCW-1:0]   acc,
  output [ACCW-1:0]   s
);
  localparam NL = ROWS + 1;                 // leaves: the products and acc
  localparam LG = $clog2(NL);
  localparam NP = 1 << LG;                  // leaves padded to a power of two (>= 2)

  // heap-ordered tree: node i = node 2i + node 2i+1, leaves at NP .. 2NP-1, root at 1
  wire [ACCW-1:0] t [1:2*NP-1] /*verilator split_var*/;
  genvar i;
  generate
    for (i = 0; i < NP; i = i + 1) begin : leaf
      if (i < ROWS) begin : prod
        wire signed [W-1:0]   a = w[i*W +: W];
        wire signed [W-1:0]   b = x[i*W +: W];
        wire signed [2*W-1:0] m = a * b;
        if (ACCW > 2*W) begin : ext
          assign t[NP+i] = {{(ACCW-2*W){m[2*W-1]}}, m};
        end else begin : noext
          assign t[NP+i] = m[ACCW-1:0];
        end
      end else if (i == ROWS) begin : accleaf
        assign t[NP+i] = acc;
      end else begin : pad
        assign t[NP+i] = {ACCW{1'b0}};
      end
    end
    // node j spans the leaves from (j << (LG - floor(log2 j))) - NP on; a right child spanning
    // only padding is passed over (no adder with a constant zero)
    for (i = 1; i < NP; i = i + 1) begin : node
      if ((((2*i+1) << (LG - ($clog2(2*i+2) - 1))) - NP) >= NL) begin : pass
        assign t[i] = t[2*i];
      end else begin : add
        assign t[i] = t[2*i] + t[2*i+1];
      end
    end
  endgenerate
  assign s = t[1];
endmodule
