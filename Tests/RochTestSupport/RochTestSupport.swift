public enum RochTestSupport {}
