// Integer multiply-accumulate lanes: acc <= acc + a * b (signed, two's complement, wrap-around).
// Each lane registers its two operands and keeps its accumulator in a register (one pipeline
// stage: operand registers -> multiplier + adder -> accumulator register), as a vector unit lane.
// Verilog-2005.
module mac_int #(parameter LANES = 1, parameter W = 8, parameter ACCW = 32) (
  input                    clk,
  input                    rst,   // synchronous clear of the accumulators
  input  [LANES*W-1:0]     a,
  input  [LANES*W-1:0]     b,
  output [LANES*ACCW-1:0]  acc
);
  genvar i;
  generate
    for (i = 0; i < LANES; i = i + 1) begin : lane
      reg  signed [W-1:0]    ar, br;
      reg  signed [ACCW-1:0] accr;
      wire signed [2*W-1:0]  p = ar * br;
      always @(posedge clk) begin
        ar <= a[i*W +: W];
        br <= b[i*W +: W];
        if (rst) accr <= {ACCW{1'b0}};
        else     accr <= accr + {{(ACCW-2*W){p[2*W-1]}}, p};
      end
      assign acc[i*ACCW +: ACCW] = accr;
    end
  endgenerate
endmodule

// int8 x int8 -> int32 accumulate
module mac_int8 #(parameter LANES = 1) (input clk, input rst, input [LANES*8-1:0] a, input [LANES*8-1:0] b,
                                        output [LANES*32-1:0] acc);
  mac_int #(.LANES(LANES), .W(8), .ACCW(32)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule

// int4 x int4 -> int16 accumulate
module mac_int4 #(parameter LANES = 1) (input clk, input rst, input [LANES*4-1:0] a, input [LANES*4-1:0] b,
                                        output [LANES*16-1:0] acc);
  mac_int #(.LANES(LANES), .W(4), .ACCW(16)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule
