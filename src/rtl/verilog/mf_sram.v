// Single-port SRAM wrapper: synchronous read (rdata holds until the next read), byte-enabled
// write. Behavioural for simulation (optionally preloaded with $readmemh from INIT); a black box
// under `SYNTHESIS`, to be replaced by a compiled macro (meshforge's macros.csv lists each one).
`ifdef SYNTHESIS
(* blackbox *)
`endif
module mf_sram #(
  parameter WORDS = 1024,
  parameter BITS = 32,
  parameter INIT = "",
  parameter AW = (WORDS > 1) ? $clog2(WORDS) : 1  // derived: do not override
) (
  input wire clk,
  input wire en,
  input wire we,
  input wire [AW-1:0] addr,
  input wire [BITS-1:0] wdata,
  input wire [BITS/8-1:0] wbe,
  output wire [BITS-1:0] rdata
);
`ifndef SYNTHESIS
  reg [BITS-1:0] mem [0:WORDS-1];
  reg [BITS-1:0] rdata_q;
  assign rdata = rdata_q;
  // Byte enables as a bit mask (a generate, not a procedural loop: Verilator cannot unroll a
  // delayed assignment to an array in a loop of thousands of bytes).
  wire [BITS-1:0] bit_mask;
  genvar g;
  generate
    for (g = 0; g < BITS / 8; g = g + 1) begin : byte_lane
      assign bit_mask[g*8 +: 8] = {8{wbe[g]}};
    end
  endgenerate
  initial begin
    rdata_q = 0;
    if (INIT != "") $readmemh(INIT, mem);
  end
  always @(posedge clk) begin
    if (en) begin
      if (we) mem[addr] <= (mem[addr] & ~bit_mask) | (wdata & bit_mask);
      else rdata_q <= mem[addr];
    end
  end
`endif
endmodule
