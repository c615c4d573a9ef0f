//! Network layer: capture files (pcap, pcapng via pcap-parser) -> packets -> link layer ->
//! IPv4/IPv6 -> TCP segments -> per-connection, per-direction reassembled streams.

mod file;
mod packet;
mod tcp;

pub use file::{read_file, Next, PacketSource, RawPacket};
pub use packet::{decode, Decoded, Segment};
pub use tcp::{reassemble, Datagram, Endpoint, Reassembler, RecordCounts, TcpConnection, UdpFlow};
