"""Socket keeper (exploratory, not part of the stack): holds one listening TCP socket and hands it
to every HAProxy that asks (`haproxy -x KEEPER_SOCKET`), speaking HAProxy's `_getsocks` protocol
(haproxy 3.0 src/sock.c, sock_get_old_sockets): the number of sockets, then each one as an
SCM_RIGHTS message with its namespace name, interface name (both empty) and 4 bytes of options.
The keeper never accepts: the HAProxys that hold the socket share its accept queue.

usage: python3 keeper.py ADDRESS PORT KEEPER_SOCKET
"""
import array
import os
import socket
import struct
import sys


def main():
    address, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(1024)
    if os.path.exists(path):
        os.unlink(path)
    keeper = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    keeper.bind(path)
    os.chmod(path, 0o666)
    keeper.listen(8)
    print(f"keeper: {address}:{port} listening, handed out at {path}", flush=True)
    while True:
        client, _ = keeper.accept()
        with client:
            if not client.recv(64).startswith(b"_getsocks"):
                continue
            client.sendall(struct.pack("i", 1))
            rights = array.array("i", [listener.fileno()])
            client.sendmsg([b"\0\0" + struct.pack("i", 0)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, rights)])
            client.recv(4)  # HAProxy's acknowledgement
            print("keeper: socket handed over", flush=True)


if __name__ == "__main__":
    main()
