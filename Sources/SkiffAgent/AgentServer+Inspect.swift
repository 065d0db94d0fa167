import Hummingbird
import NIOCore
import SkiffAPI

extension AgentServer {
    /// `GET /inspect/{namespace}/{pod}`: the pod's isolation as the kernel reports it
    /// (PodInspection), as JSON.
    func inspect(namespace: String, pod name: String) async throws(SkiffError) -> Response {
        guard let pod = await logs.informer.get(namespace + "/" + name),
            let uid = pod[path: ["metadata", "uid"]]?.string
        else { throw SkiffError.notFound(resource: "pods", name: name) }
        let report = PodInspection(runtime: logs.runtime, pod: pod, uid: uid).build()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: report.serializedString()))
        )
    }
}
