// Floating-point multiply-accumulate lanes: acc <= fma(a, b, acc) (mf_fma, single rounding; the
// shared datapath in src/rtl/verilog/mf_fma.v, also used by the vector unit mf_vector_unit).
// Operand registers and accumulator register per lane, synchronous clear. Verilog-2005.
module mac_fp #(parameter LANES = 1, parameter EI = 8, parameter MI = 23, parameter EC = 8, parameter MC = 23) (
  input                          clk,
  input                          rst,
  input  [LANES*(1+EI+MI)-1:0]   a,
  input  [LANES*(1+EI+MI)-1:0]   b,
  output [LANES*(1+EC+MC)-1:0]   acc
);
  localparam IW = 1 + EI + MI;
  localparam CW = 1 + EC + MC;
  genvar i;
  generate
    for (i = 0; i < LANES; i = i + 1) begin : lane
      reg  [IW-1:0] ar, br;
      reg  [CW-1:0] accr;
      wire [CW-1:0] nxt;
      mf_fma #(.EI(EI), .MI(MI), .EC(EC), .MC(MC)) fma (.a(ar), .b(br), .c(accr), .r(nxt));
      always @(posedge clk) begin
        ar <= a[i*IW +: IW];
        br <= b[i*IW +: IW];
        if (rst) accr <= {CW{1'b0}};
        else     accr <= nxt;
      end
      assign acc[i*CW +: CW] = accr;
    end
  endgenerate
endmodule

// fp32 FMA (E8M23 x E8M23 + E8M23)
module mac_fp32 #(parameter LANES = 1) (input clk, input rst, input [LANES*32-1:0] a, input [LANES*32-1:0] b,
                                        output [LANES*32-1:0] acc);
  mac_fp #(.LANES(LANES), .EI(8), .MI(23), .EC(8), .MC(23)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule

// fp16 (E5M10) multiply, fp32 accumulate
module mac_fp16 #(parameter LANES = 1) (input clk, input rst, input [LANES*16-1:0] a, input [LANES*16-1:0] b,
                                        output [LANES*32-1:0] acc);
  mac_fp #(.LANES(LANES), .EI(5), .MI(10), .EC(8), .MC(23)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule

// bf16 (E8M7) multiply, fp32 accumulate
module mac_bf16 #(parameter LANES = 1) (input clk, input rst, input [LANES*16-1:0] a, input [LANES*16-1:0] b,
                                        output [LANES*32-1:0] acc);
  mac_fp #(.LANES(LANES), .EI(8), .MI(7), .EC(8), .MC(23)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule

// fp8 E4M3 multiply, fp16 (E5M10) accumulate (as data/nodes/*.yaml assume, after IBM HFP8)
module mac_fp8 #(parameter LANES = 1) (input clk, input rst, input [LANES*8-1:0] a, input [LANES*8-1:0] b,
                                       output [LANES*16-1:0] acc);
  mac_fp #(.LANES(LANES), .EI(4), .MI(3), .EC(5), .MC(10)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule

// fp8 E4M3 multiply, fp32 accumulate (as NVIDIA Hopper-class tensor cores); extra variant
module mac_fp8f32 #(parameter LANES = 1) (input clk, input rst, input [LANES*8-1:0] a, input [LANES*8-1:0] b,
                                          output [LANES*32-1:0] acc);
  mac_fp #(.LANES(LANES), .EI(4), .MI(3), .EC(8), .MC(23)) u (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
endmodule
