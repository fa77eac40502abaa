// mf_dram_port: a DRAM channel as a network endpoint beyond the mesh edge (the generated top puts
// it at x = COLS on the east edge or y = ROWS on the south edge, so dimension-order routing
// reaches it like any tile). It turns packets into AXI-style single-beat requests for a DRAM
// controller outside the generated RTL (a stub: no bursts, no IDs, write responses accepted and
// not counted):
//   write packet: head, address flit ([31:0] byte address, bit 0 = 0), data flits: one AW + W beat
//                 per data flit, at address + i * LINK_BITS/8;
//   read packet:  head, address flit (bit 0 = 1), count flit ([15:0] beats N, tail): N AR requests,
//                 and the N R beats go back to the sender as one packet.
module mf_dram_port #(
  parameter LINK_BITS = 128,
  parameter VCS = 2,
  parameter DEPTH = 4,
  parameter VCB = (VCS > 1) ? $clog2(VCS) : 1  // derived: do not override
) (
  input wire clk,
  input wire rst,
  input wire [7:0] my_x,
  input wire [7:0] my_y,
  // router -> port
  input wire in_valid,
  input wire in_head,
  input wire in_tail,
  input wire [VCB-1:0] in_vc,
  input wire [LINK_BITS-1:0] in_data,
  output wire [VCS-1:0] in_credit,
  // port -> router
  output wire out_valid,
  output wire out_head,
  output wire out_tail,
  output wire [VCB-1:0] out_vc,
  output wire [LINK_BITS-1:0] out_data,
  input wire [VCS-1:0] out_credit,
  // AXI-style channels
  output wire awvalid,
  input wire awready,
  output wire [31:0] awaddr,
  output wire wvalid,
  input wire wready,
  output wire [LINK_BITS-1:0] wdata,
  input wire bvalid,
  output wire bready,
  output wire arvalid,
  input wire arready,
  output wire [31:0] araddr,
  input wire rvalid,
  output wire rready,
  input wire [LINK_BITS-1:0] rdata
);
  localparam BEAT_BYTES = LINK_BITS / 8;
  localparam S_HEAD = 3'd0, S_ADDR = 3'd1, S_WGET = 3'd2, S_WPUT = 3'd3, S_COUNT = 3'd4, S_READ = 3'd5;

  wire rx_valid, rx_head, rx_last, tx_ready;
  wire [LINK_BITS-1:0] rx_data;
  reg [2:0] state;
  reg [7:0] src_x, src_y;
  reg [31:0] addr;
  reg [LINK_BITS-1:0] beat;
  reg beat_last, aw_done, w_done;
  reg [15:0] ar_left, r_left;

  wire rx_ready = (state == S_HEAD) || (state == S_ADDR) || (state == S_WGET) || (state == S_COUNT);
  assign awvalid = (state == S_WPUT) && !aw_done;
  assign wvalid = (state == S_WPUT) && !w_done;
  assign awaddr = addr;
  assign wdata = beat;
  assign bready = 1'b1;
  assign arvalid = (state == S_READ) && (ar_left != 16'd0);
  assign araddr = addr;
  wire tx_valid = (state == S_READ) && rvalid;
  assign rready = (state == S_READ) && tx_ready;
  wire tx_last = (r_left == 16'd1);

  mf_ni #(.LINK_BITS(LINK_BITS), .VCS(VCS), .DEPTH(DEPTH)) ni (
    .clk(clk), .rst(rst), .my_x(my_x), .my_y(my_y),
    .tx_valid(tx_valid), .tx_ready(tx_ready), .tx_data(rdata), .tx_last(tx_last),
    .tx_dst_x(src_x), .tx_dst_y(src_y), .tx_vc({VCB{1'b0}}),
    .rx_valid(rx_valid), .rx_ready(rx_ready), .rx_data(rx_data), .rx_head(rx_head), .rx_last(rx_last),
    .inj_valid(out_valid), .inj_head(out_head), .inj_tail(out_tail), .inj_vc(out_vc), .inj_data(out_data),
    .inj_credit(out_credit),
    .ej_valid(in_valid), .ej_head(in_head), .ej_tail(in_tail), .ej_vc(in_vc), .ej_data(in_data),
    .ej_credit(in_credit));

  always @(posedge clk) begin
    if (rst) begin
      state <= S_HEAD;
      aw_done <= 1'b0;
      w_done <= 1'b0;
      ar_left <= 16'd0;
      r_left <= 16'd0;
    end else begin
      case (state)
        S_HEAD:
          if (rx_valid) begin
            src_x <= rx_data[23:16];
            src_y <= rx_data[31:24];
            if (!rx_last) state <= S_ADDR;
          end
        S_ADDR:
          if (rx_valid) begin
            addr <= {rx_data[31:1], 1'b0};
            if (rx_last) state <= S_HEAD;
            else state <= rx_data[0] ? S_COUNT : S_WGET;
          end
        S_WGET:
          if (rx_valid) begin
            beat <= rx_data;
            beat_last <= rx_last;
            aw_done <= 1'b0;
            w_done <= 1'b0;
            state <= S_WPUT;
          end
        S_WPUT: begin
          if (awvalid && awready) aw_done <= 1'b1;
          if (wvalid && wready) w_done <= 1'b1;
          if ((aw_done || awready) && (w_done || wready)) begin
            addr <= addr + BEAT_BYTES;
            state <= beat_last ? S_HEAD : S_WGET;
          end
        end
        S_COUNT:
          if (rx_valid) begin
            ar_left <= rx_data[15:0];
            r_left <= rx_data[15:0];
            state <= (rx_data[15:0] == 16'd0) ? S_HEAD : S_READ;
          end
        default: begin  // S_READ: requests and returning beats overlap
          if (arvalid && arready) begin
            ar_left <= ar_left - 16'd1;
            addr <= addr + BEAT_BYTES;
          end
          if (rvalid && rready) begin
            r_left <= r_left - 16'd1;
            if (r_left == 16'd1) state <= S_HEAD;
          end
        end
      endcase
    end
  end

  // Write responses carry nothing the stub needs; the head flag duplicates the state machine.
  wire unused = &{1'b0, bvalid, rx_head};
endmodule
