// mf_router_fifo: DEPTH-entry first-in first-out buffer of WIDTH-bit words (one virtual channel
// of a router input port, or of the network interface's receive side).
//
// Written at the clock edge that ends the cycle with wr_en; the word is at the head (valid,
// rd_data, combinational) from the next cycle on. rd_en removes the head word. A write when full
// is allowed only in a cycle that also reads; credit-based flow control guarantees that (a write
// into a full FIFO is reported in simulation and dropped).
module mf_router_fifo #(
  parameter WIDTH = 34,
  parameter DEPTH = 4
) (
  input  wire             clk,
  input  wire             rst,
  input  wire             wr_en,
  input  wire [WIDTH-1:0] wr_data,
  input  wire             rd_en,
  output wire             valid,
  output wire [WIDTH-1:0] rd_data
);
  localparam AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
  localparam CW = $clog2(DEPTH + 1);
  localparam [31:0]   D32  = DEPTH;
  localparam [31:0]   L32  = DEPTH - 1;
  localparam [AW-1:0] LAST = L32[AW-1:0];
  localparam [CW-1:0] FULL = D32[CW-1:0];

  reg [WIDTH-1:0] mem [0:DEPTH-1];
  reg [AW-1:0]    rd_ptr;
  reg [AW-1:0]    wr_ptr;
  reg [CW-1:0]    count;

  wire do_rd = rd_en && (count != {CW{1'b0}});
  wire do_wr = wr_en && (count != FULL || do_rd);

  assign valid   = (count != {CW{1'b0}});
  assign rd_data = mem[rd_ptr];

  always @(posedge clk) begin
    if (do_wr) mem[wr_ptr] <= wr_data;
    if (rst) begin
      rd_ptr <= {AW{1'b0}};
      wr_ptr <= {AW{1'b0}};
      count  <= {CW{1'b0}};
    end else begin
      if (do_rd) rd_ptr <= (rd_ptr == LAST) ? {AW{1'b0}} : rd_ptr + 1'b1;
      if (do_wr) wr_ptr <= (wr_ptr == LAST) ? {AW{1'b0}} : wr_ptr + 1'b1;
      if (do_wr && !do_rd) count <= count + 1'b1;
      else if (do_rd && !do_wr) count <= count - 1'b1;
    end
  end

`ifndef SYNTHESIS
  always @(posedge clk)
    if (!rst && wr_en && !do_wr)
      $display("ERROR: %m: write into a full FIFO (credit protocol violated) at %0t", $time);
`endif
endmodule
